"""Suites of models/marts/marketing: marketing_performance, loyalty_program_performance."""

from __future__ import annotations

from . import (
    MartSuite,
    at_least_zero,
    between,
    timestamps,
)

marketing_performance = MartSuite(
    mart="marketing_performance",
    grain=("country_code", "acquisition_channel", "activity_month"),
    expectations=(
        *at_least_zero("new_customers", "email_openers", "opted_in_customers", "email_opens", "email_clicks"),
        *timestamps("activity_month"),
    ),
)


loyalty_program_performance = MartSuite(
    mart="loyalty_program_performance",
    grain=("country_code", "activity_month"),
    expectations=(
        *at_least_zero("members_to_date", "new_members", "loyalty_points_earned", "loyalty_points_redeemed", "redemption_rate",
                       "member_orders", "member_repeat_orders", "non_member_orders", "non_member_repeat_orders"),
        between("customers_to_date", min_value=1),
        *timestamps("activity_month"),
    ),
)

SUITES = [marketing_performance, loyalty_program_performance]
