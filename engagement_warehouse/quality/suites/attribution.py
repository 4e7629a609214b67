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
    grain=("order_id", "attribution_model", "touchpoint_number"),
    expectations=(
        *at_least_zero("touchpoint_number", "touchpoints_in_window"),
        *timestamps("order_ts", "order_date", "session_start_ts"),
    ),
)

SUITES = [fct_order_attribution]
