"""Suites of models/marts/engagement: fct_sessions, customer_engagement_monthly, regional_engagement."""

from __future__ import annotations

from . import (
    MartSuite,
    any_rows_of,
    at_least_zero,
    between,
    not_less_than,
    not_null,
    one_of,
    rates,
    row_count_between,
    row_count_equals,
    rows_of,
    rule,
    timestamps,
)

fct_sessions = MartSuite(
    mart="fct_sessions",
    grain=("session_id",),
    expectations=(
        row_count_between(any_rows_of("stg_shop__events"), rows_of("stg_shop__events")),
        *not_null("visitor_key", "session_start_ts", "session_end_ts", "session_date", "duration_seconds",
                  "session_channel", "platform", "events", "is_anonymous_session", "loaded_at"),
        between("events", min_value=1),
        between("duration_seconds", min_value=0),
        *timestamps("session_start_ts", "session_end_ts", "session_date", "loaded_at"),
        not_less_than("session_end_ts", "session_start_ts"),
        rule("Every clean event is in exactly one session: the sessions' events add up to stg_shop__events.",
             "select * from (select sum(events) as events from {batch}) "
             "where events <> (select count(*) from staging.stg_shop__events)"),
        rule("duration_seconds is end - start, and session_date the start's local date (within a day of UTC).",
             "select session_id from {batch} where duration_seconds <> date_diff('second', session_start_ts, "
             "session_end_ts) or abs(date_diff('day', cast(session_start_ts as date), session_date)) > 1"),
        rule("A session is anonymous exactly when it has no customer, and a customer has a person.",
             "select session_id from {batch} where is_anonymous_session <> (customer_id is null) "
             "or (customer_id is null) <> (person_key is null)"),
        rule("A bounce is a one-event session.",
             "select session_id from {batch} where is_bounce and events <> 1"),
    ),
)

customer_engagement_monthly = MartSuite(
    mart="customer_engagement_monthly",
    grain=("person_key", "activity_month"),
    expectations=(
        row_count_equals("int_persons_engagement_by_month"),
        *not_null("engagement_score", "engagement_tier", "sessions", "active_days"),
        one_of("engagement_tier", ["dormant", "low", "medium", "high"]),
        between("engagement_score", min_value=0),
        between("active_days", 0, 31),
        *at_least_zero("sessions", "product_views", "wishlist_adds", "cart_adds", "whatsapp_messages",
                       "social_shares", "reviews", "referrals", "email_opens", "email_clicks",
                       "loyalty_redemptions", "loyalty_points_earned", "loyalty_points_redeemed"),
        *timestamps("activity_month"),
        rule("The sessions of identified persons add up to fct_sessions'.",
             "select * from (select sum(sessions) as sessions from {batch}) "
             "where sessions <> (select count(*) from marts.fct_sessions where person_key is not null)"),
    ),
)

regional_engagement = MartSuite(
    mart="regional_engagement",
    grain=("geo_level", "sub_region", "country_code", "state_region", "activity_month"),
    expectations=(
        row_count_between(any_rows_of("fct_orders")),
        one_of("geo_level", ["state", "sub_region"]),
        *not_null("sessions", "orders", "placed_orders", "net_revenue_usd"),
        *at_least_zero("sessions", "visitors", "orders", "placed_orders", "active_customers", "new_customers",
                       "repeat_customers", "net_revenue_usd", "engagement_score_sum", "average_order_value_usd",
                       "average_engagement_score"),
        *rates("bounce_rate", "conversion_rate", "cart_abandonment_rate", "whatsapp_session_share",
               "repeat_purchase_rate", "cod_share", "cod_confirmation_rate", "csat_satisfied_rate"),
        between("nps", -100, 100),
        not_less_than("sessions", "bounced_sessions"),
        not_less_than("sessions", "purchase_sessions"),
        not_less_than("cart_sessions", "abandoned_cart_sessions"),
        not_less_than("placed_orders", "orders"),
        not_less_than("cod_orders", "cod_confirmed_orders"),
        not_less_than("active_customers", "new_customers"),
        not_less_than("active_customers", "repeat_customers"),
        *timestamps("activity_month"),
        rule("Sub-region rows are the roll-up of the states: the same sessions, orders and revenue in total, "
             "which are fct_sessions' sessions and fct_orders' confirmed orders and net revenue.",
             "with totals as (select geo_level, sum(sessions) as sessions, sum(orders) as orders, "
             "sum(net_revenue_usd) as net_revenue_usd from {batch} group by geo_level) "
             "select * from totals where sessions <> (select count(*) from marts.fct_sessions) "
             "or orders <> (select count(*) from marts.fct_orders where is_confirmed_order) "
             "or net_revenue_usd <> (select sum(net_revenue_usd) from marts.fct_orders where is_confirmed_order)"),
        rule("Rates are their numerators over their denominators.",
             "select * from {batch} where abs(conversion_rate - purchase_sessions / sessions) > 1e-9 "
             "or abs(bounce_rate - bounced_sessions / sessions) > 1e-9 "
             "or abs(nps - 100.0 * (promoters - detractors) / nps_responses) > 1e-9"),
        rule("Sub-region rows have country and state 'all'.",
             "select * from {batch} "
             "where geo_level = 'sub_region' and (country_code <> 'all' or state_region <> 'all')"),
    ),
)

SUITES = [fct_sessions, customer_engagement_monthly, regional_engagement]
