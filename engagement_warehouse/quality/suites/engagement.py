"""Suites of models/marts/engagement: fct_sessions, customer_engagement_monthly, regional_engagement,
engagement_signal_validation, engagement_weight_suggestions."""

from __future__ import annotations

from . import (
    MartSuite,
    at_least_zero,
    between,
    timestamps,
)

fct_sessions = MartSuite(
    mart="fct_sessions",
    categories=("session_channel", "platform"),
    grain=("session_id",),
    expectations=(
        between("events", min_value=1),
        *timestamps("session_start_ts", "session_end_ts", "session_date", "loaded_at"),
    ),
)


customer_engagement_monthly = MartSuite(
    mart="customer_engagement_monthly",
    categories=("engagement_tier",),
    grain=("person_key", "activity_month"),
    expectations=(
        *at_least_zero("sessions", "product_views", "wishlist_adds", "cart_adds", "whatsapp_messages", "social_shares",
                       "reviews", "referrals", "email_opens", "email_clicks", "loyalty_redemptions",
                       "loyalty_points_earned", "loyalty_points_redeemed"),
        between("active_days", 0, 31),
        *timestamps("activity_month"),
    ),
)


regional_engagement = MartSuite(
    mart="regional_engagement",
    grain=("geo_level", "sub_region", "country_code", "state_region", "activity_month"),
    expectations=(
        *at_least_zero("sessions", "visitors", "orders", "placed_orders", "active_customers", "new_customers",
                       "repeat_customers", "engagement_score_sum", "average_engagement_score"),
        *timestamps("activity_month"),
    ),
)


# issue 21
engagement_signal_validation = MartSuite(
    mart="engagement_signal_validation",
    categories=("area_type", "validation_status"),
    grain=("signal_name", "country_code", "area_type", "quarter_start"),
    expectations=(
        *at_least_zero("base_persons", "persons_with_signal", "retained_with_signal", "persons_without_signal",
                       "retained_without_signal"),
        between("retention_rate_with_signal", 0, 1),
        between("retention_rate_without_signal", 0, 1),
        between("retention_lift", -1, 1),
        between("retention_auc", 0, 1),
        *timestamps("quarter_start"),
    ),
)


engagement_weight_suggestions = MartSuite(
    mart="engagement_weight_suggestions",
    categories=("model_scope", "model_status"),
    grain=("country_code", "signal_name"),
    expectations=(
        *at_least_zero("configured_weight", "training_person_quarters"),
        between("retention_auc", 0, 1),
    ),
)

SUITES = [fct_sessions, customer_engagement_monthly, regional_engagement, engagement_signal_validation,
          engagement_weight_suggestions]
