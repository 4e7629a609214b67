"""Suites of models/marts/customers: dim_customers, fct_orders, fct_order_items."""

from __future__ import annotations

from . import (
    MartSuite,
    at_least_zero,
    between,
    timestamps,
)

dim_customers = MartSuite(
    mart="dim_customers",
    categories=("region", "resolution_rule", "acquisition_channel"),
    grain=("customer_id",),
    expectations=(
        *at_least_zero("lifetime_confirmed_orders", "days_since_last_order"),
        between("customer_ids_of_person", min_value=1),
        *timestamps("signup_ts", "loyalty_joined_ts", "first_confirmed_order_ts", "last_confirmed_order_ts"),
    ),
)


fct_orders = MartSuite(
    mart="fct_orders",
    categories=("order_status", "payment_method", "order_channel", "currency"),
    grain=("order_id",),
    expectations=(
        *at_least_zero("loyalty_points_redeemed", "days_since_previous_confirmed_order"),
        between("installments", min_value=1),
        between("confirmed_order_sequence", min_value=1),
        *timestamps("order_ts", "order_date", "order_month", "cod_confirmed_ts"),
    ),
)


fct_order_items = MartSuite(
    mart="fct_order_items",
    grain=("order_item_id",),
    expectations=(
        between("quantity", min_value=1),
        *timestamps("order_date"),
    ),
)

SUITES = [dim_customers, fct_orders, fct_order_items]
