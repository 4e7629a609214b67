"""Suites of models/marts/marketing: marketing_performance, loyalty_program_performance."""

from __future__ import annotations

from . import (
    MartSuite,
    any_rows_of,
    at_least_zero,
    between,
    not_less_than,
    not_null,
    rates,
    row_count_between,
    rule,
    timestamps,
)

marketing_performance = MartSuite(
    mart="marketing_performance",
    grain=("country_code", "channel", "activity_month"),
    expectations=(
        row_count_between(any_rows_of("stg_shop__marketing_spend")),
        *not_null("spend_usd", "new_customers"),
        *at_least_zero("spend_usd", "new_customers", "cac_usd", "email_openers", "opted_in_customers",
                       "email_opens", "email_clicks", "email_click_to_open_rate"),
        *rates("email_open_rate"),
        *timestamps("activity_month"),
        rule("Spend adds up to the marketing spend of staging, to the cent.",
             "select * from (select sum(spend_usd) as spend_usd from {batch}) "
             "where spend_usd <> (select sum(amount_usd) from staging.stg_shop__marketing_spend)"),
        rule("Every person with a first confirmed order is a new customer once.",
             "select * from (select sum(new_customers) as new_customers from {batch}) "
             "where new_customers <> (select count(*) from intermediate.int_persons_first_orders)"),
        rule("CAC is spend / new customers, to the cent.",
             "select * from {batch} where abs(cac_usd - spend_usd / new_customers) > 0.01"),
        rule("E-mail rates only on the email channel.",
             "select * from {batch} where channel <> 'email' "
             "and (email_open_rate is not null or email_click_to_open_rate is not null)"),
    ),
)

loyalty_program_performance = MartSuite(
    mart="loyalty_program_performance",
    grain=("country_code", "activity_month"),
    expectations=(
        row_count_between(any_rows_of("int_persons_first_orders")),
        *not_null("customers_to_date", "members_to_date", "new_members", "points_earned", "points_redeemed",
                  "member_orders", "non_member_orders"),
        between("customers_to_date", min_value=1),
        *at_least_zero("members_to_date", "new_members", "points_earned", "points_redeemed", "redemption_rate",
                       "member_orders", "member_repeat_orders", "non_member_orders", "non_member_repeat_orders"),
        *rates("participation_rate", "member_repeat_rate", "non_member_repeat_rate"),
        not_less_than("customers_to_date", "members_to_date"),
        not_less_than("members_to_date", "new_members"),
        not_less_than("member_orders", "member_repeat_orders"),
        not_less_than("non_member_orders", "non_member_repeat_orders"),
        *timestamps("activity_month"),
        rule("participation_rate is members_to_date / customers_to_date.",
             "select * from {batch} where abs(participation_rate - members_to_date / customers_to_date) > 1e-9"),
        rule("Customers and members to date never fall from one month to the next.",
             "select * from (select customers_to_date, members_to_date, "
             "lag(customers_to_date) over (partition by country_code order by activity_month) as previous_customers, "
             "lag(members_to_date) over (partition by country_code order by activity_month) as previous_members "
             "from {batch}) where customers_to_date < previous_customers or members_to_date < previous_members"),
        rule("Member and non-member orders add up to the confirmed orders of fct_orders.",
             "select * from (select sum(member_orders + non_member_orders) as orders from {batch}) "
             "where orders <> (select count(*) from marts.fct_orders where is_confirmed_order)"),
    ),
)

SUITES = [marketing_performance, loyalty_program_performance]
