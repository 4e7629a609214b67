"""Suites of models/marts/value: customer_rfm, clv_model_params, customer_lifetime_value,
clv_backtest, clv_cac_by_channel."""

from __future__ import annotations

import great_expectations.expectations as gxe

from . import (
    WARNING,
    MartSuite,
    at_least_zero,
    between,
    timestamps,
)

customer_rfm = MartSuite(
    mart="customer_rfm",
    grain=("person_key",),
    expectations=(
        *timestamps("first_purchase_period", "last_purchase_period", "observation_end_date"),
    ),
)


clv_model_params = MartSuite(
    mart="clv_model_params",
    grain=("model", "parameter"),
    expectations=(
        *at_least_zero("customers"),
        between("frequency_spend_correlation", -1, 1),
        # every fit converged: a warning on the mix of statuses (dbt tests that each is a known one)
        gxe.ExpectColumnDistinctValuesToBeInSet(column="model_status", value_set=["converged"], severity=WARNING),
        # Gamma-Gamma assumes spend independent of frequency; far from 0 its predictions are biased
        between("frequency_spend_correlation", -0.3, 0.3, severity=WARNING),
    ),
)


customer_lifetime_value = MartSuite(
    mart="customer_lifetime_value",
    categories=("value_segment", "churn_risk_tier"),
    grain=("person_key",),
    expectations=(
        *at_least_zero("expected_purchases_365d", "days_since_last_order", "frequency", "monetary_value"),
        *timestamps("first_purchase_period", "last_purchase_period", "observation_end_date"),
    ),
)


clv_backtest = MartSuite(
    mart="clv_backtest",
    grain=("frequency_bucket",),
    expectations=(
        *at_least_zero("customers", "actual_repeat_purchases", "predicted_repeat_purchases", "actual_per_customer",
                       "predicted_per_customer", "predicted_to_actual_ratio", "holdout_length"),
    ),
)


clv_cac_by_channel = MartSuite(
    mart="clv_cac_by_channel",
    grain=("country_code", "acquisition_channel"),
    expectations=(
        *at_least_zero("new_customers", "customers_with_prediction", "clv_to_cac_ratio"),
        *timestamps("window_end_date"),
    ),
)

SUITES = [customer_rfm, clv_model_params, customer_lifetime_value, clv_backtest, clv_cac_by_channel]
