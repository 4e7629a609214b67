"""Suite of models/marts/attribution: fct_order_attribution."""

from __future__ import annotations

from . import (
    MartSuite,
    at_least_zero,
    timestamps,
)

fct_order_attribution = MartSuite(
    mart="fct_order_attribution",
    categories=("session_channel",),
    grain=("order_id", "attribution_model", "session_channel"),
    expectations=(
        *at_least_zero("channel_touchpoints", "first_touchpoint_number", "touchpoints_in_window"),
        *timestamps("order_ts", "order_date"),
    ),
)

SUITES = [fct_order_attribution]
