"""Suites of models/marts/retention: cohort_retention, retention_curves, repeat_purchase_summary,
retention_projection, customer_churn_risk, churn_model_evaluation, cohort_membership_spells,
cohort_entry_outcomes."""

from __future__ import annotations

from . import (
    MartSuite,
    at_least_zero,
    between,
    timestamps,
)

cohort_retention = MartSuite(
    mart="cohort_retention",
    grain=("segment_type", "segment_value", "cohort_grain", "cohort_start", "period_number"),
    expectations=(
        *at_least_zero("period_number", "active_customers", "engaged_customers", "orders", "revenue_retention_rate"),
        between("cohort_size", min_value=1),
        *timestamps("cohort_start", "period_start"),
    ),
)


retention_curves = MartSuite(
    mart="retention_curves",
    grain=("segment_type", "segment_value", "cohort_grain", "period_number"),
    expectations=(
        *at_least_zero("period_number", "revenue_retention_rate"),
        between("cohorts", min_value=1),
        between("customers", min_value=1),
    ),
)


repeat_purchase_summary = MartSuite(
    mart="repeat_purchase_summary",
    grain=("segment_type", "segment_value", "window_days"),
    expectations=(
        *at_least_zero("repeat_customers", "repeat_customers_to_date", "mean_days_to_second_order",
                       "p25_days_to_second_order", "median_days_to_second_order", "p75_days_to_second_order"),
        between("window_days", min_value=1),
        between("customers", min_value=1),
    ),
)


retention_projection = MartSuite(
    mart="retention_projection",
    grain=("segment_type", "segment_value", "cohort_grain", "period_number"),
    expectations=(
        *at_least_zero("period_number", "observed_cohorts", "observed_customers"),
        between("alpha", min_value=0, strict_min=True),
        between("beta", min_value=0, strict_min=True),
    ),
)

customer_churn_risk = MartSuite(
    mart="customer_churn_risk",
    grain=("person_key",),
    expectations=(
        between("churn_probability", min_value=0, max_value=1),
        *timestamps("snapshot_date"),
    ),
)


churn_model_evaluation = MartSuite(
    mart="churn_model_evaluation",
    grain=("scorer", "country_code", "decile"),
    expectations=(
        between("decile", min_value=1, max_value=10),
        between("auc", min_value=0, max_value=1),
        between("brier_score", min_value=0, max_value=1),
        *at_least_zero("persons", "churners", "top_decile_lift"),
    ),
)

cohort_membership_spells = MartSuite(
    mart="cohort_membership_spells",
    grain=("cohort_name", "person_key", "entered_on"),
    expectations=(
        *timestamps("entered_on"),
    ),
)


cohort_entry_outcomes = MartSuite(
    mart="cohort_entry_outcomes",
    grain=("cohort_name", "entry_month_start"),
    expectations=(
        between("entries", min_value=1),
        between("persons", min_value=1),
        *at_least_zero("orders_after_entry", "net_revenue_usd_after_entry", "eligible_entries_30d",
                       "eligible_entries_60d", "eligible_entries_90d", "scored_entries"),
        between("mean_churn_probability", min_value=0, max_value=1),
        *timestamps("entry_month_start"),
    ),
)

SUITES = [cohort_retention, retention_curves, repeat_purchase_summary, retention_projection, customer_churn_risk,
          churn_model_evaluation, cohort_membership_spells, cohort_entry_outcomes]
