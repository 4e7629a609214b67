"""Suites of models/marts/customers: dim_customers, fct_orders, fct_order_items."""

from __future__ import annotations

import great_expectations.expectations as gxe

from . import (
    ERROR,
    MartSuite,
    at_least_zero,
    between,
    not_less_than,
    not_null,
    one_of,
    row_count_equals,
    rule,
    timestamps,
)

SHA256_HEX = r"^[0-9a-f]{64}$"

dim_customers = MartSuite(
    mart="dim_customers",
    grain=("customer_id",),
    expectations=(
        row_count_equals("stg_shop__customers"),
        *not_null("person_key", "resolution_rule", "country_code", "region", "sub_region", "signup_ts",
                  "lifetime_confirmed_orders", "lifetime_net_revenue_usd"),
        rule("Every resolution rule is in the resolution_rules seed.",
             "select customer_id from {batch} "
             "where resolution_rule not in (select resolution_rule from reference.resolution_rules)"),
        one_of("region", ["latin_america", "rest_of_world"]),
        between("customer_ids_of_person", min_value=1),
        *at_least_zero("lifetime_confirmed_orders", "lifetime_net_revenue_usd", "days_since_last_order"),
        *timestamps("signup_ts", "loyalty_joined_ts", "first_confirmed_order_ts", "last_confirmed_order_ts"),
        not_less_than("last_confirmed_order_ts", "first_confirmed_order_ts"),
        gxe.ExpectColumnValuesToMatchRegex(column="email_hash", regex=SHA256_HEX, severity=ERROR),
        gxe.ExpectColumnValuesToMatchRegex(column="phone_hash", regex=SHA256_HEX, severity=ERROR),
        rule("Erased customers keep no personal data: no e-mail or phone hash.",
             "select customer_id from {batch} where is_erased and (email_hash is not null or phone_hash is not null)"),
        rule("A customer id has confirmed orders exactly when it has a first confirmed order.",
             "select customer_id from {batch} "
             "where (lifetime_confirmed_orders = 0) <> (first_confirmed_order_ts is null)"),
        rule("customer_ids_of_person is the number of customer ids sharing the person_key.",
             "select person_key from {batch} group by person_key "
             "having count(*) <> min(customer_ids_of_person) or count(*) <> max(customer_ids_of_person)"),
        rule("Every country is in the countries seed.",
             "select customer_id from {batch} "
             "where country_code not in (select country_code from reference.countries)"),
    ),
)

fct_orders = MartSuite(
    mart="fct_orders",
    grain=("order_id",),
    expectations=(
        row_count_equals("stg_shop__orders"),
        *not_null("customer_id", "person_key", "order_ts", "order_date", "order_month", "status",
                  "payment_method", "channel", "currency", "installments", "net_revenue_usd", "net_revenue_local",
                  "fx_usd_per_unit"),
        *at_least_zero("net_revenue_usd", "net_revenue_local", "subtotal_usd", "discount_usd", "shipping_usd",
                       "tax_usd", "total_usd", "subtotal_local", "discount_local", "shipping_local",
                       "tax_local", "total_local", "loyalty_points_redeemed"),
        between("fx_usd_per_unit", min_value=0, strict_min=True),
        between("installments", min_value=1),
        between("confirmed_order_sequence", min_value=1),
        between("days_since_previous_confirmed_order", min_value=0),
        *timestamps("order_ts", "order_date", "order_month", "cod_confirmed_ts"),
        not_less_than("subtotal_usd", "discount_usd"),
        rule("Net revenue is subtotal minus discount, in the local currency to the cent and in USD within "
             "a cent of rounding.",
             "select order_id from {batch} where net_revenue_local <> subtotal_local - discount_local "
             "or abs(net_revenue_usd - (subtotal_usd - discount_usd)) > 0.01"),
        rule("Every status is in the order_statuses seed, and is_confirmed_order is the seed's is_confirmed.",
             "select o.order_id from {batch} as o left join reference.order_statuses as s on o.status = s.status "
             "where s.status is null or s.is_confirmed <> o.is_confirmed_order"),
        rule("Confirmed orders, and only they, have a sequence; the first confirmed order has number 1.",
             "select order_id from {batch} where (confirmed_order_sequence is null) = is_confirmed_order "
             "or is_first_confirmed_order <> coalesce(confirmed_order_sequence = 1, false)"),
        rule("A person has at most one first confirmed order.",
             "select person_key from {batch} where is_first_confirmed_order group by person_key having count(*) > 1"),
        rule("order_date is order_ts's local date (within a day of its UTC date) and order_month its month.",
             "select order_id from {batch} where abs(date_diff('day', cast(order_ts as date), order_date)) > 1 "
             "or order_month <> date_trunc('month', order_date)"),
        rule("Every order's customer is in dim_customers.",
             "select order_id from {batch} where customer_id not in (select customer_id from marts.dim_customers)"),
    ),
)

fct_order_items = MartSuite(
    mart="fct_order_items",
    grain=("order_item_id",),
    expectations=(
        row_count_equals("stg_shop__order_items"),
        *not_null("order_id", "product_id", "customer_id", "person_key", "order_date", "quantity",
                  "unit_price_usd", "line_net_usd"),
        between("quantity", min_value=1),
        *at_least_zero("unit_price_local", "discount_local", "line_net_local", "unit_price_usd", "discount_usd",
                       "line_net_usd"),
        *timestamps("order_date"),
        rule("line_net_local is quantity * unit price - line discount, to the cent.",
             "select order_item_id from {batch} "
             "where line_net_local <> quantity * unit_price_local - discount_local"),
        rule("Every line's order is in fct_orders with the same status, confirmation and person.",
             "select i.order_item_id from {batch} as i left join marts.fct_orders as o on i.order_id = o.order_id "
             "where o.order_id is null or o.status <> i.status or o.is_confirmed_order <> i.is_confirmed_order "
             "or o.person_key <> i.person_key"),
    ),
)

SUITES = [dim_customers, fct_orders, fct_order_items]
