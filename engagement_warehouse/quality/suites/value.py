"""Suites of models/marts/value: customer_rfm, clv_model_params, customer_lifetime_value,
clv_backtest, clv_cac_by_channel."""

from __future__ import annotations

import great_expectations.expectations as gxe

from . import (
    ERROR,
    WARNING,
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

FIT_STATUSES = ["converged", "boundary", "not_converged", "insufficient_data"]
SEGMENTS = ["high", "medium", "low"]

customer_rfm = MartSuite(
    mart="customer_rfm",
    grain=("person_key",),
    expectations=(
        row_count_between(any_rows_of("int_persons_first_orders"), rows_of("int_persons_first_orders")),
        *not_null("first_purchase_period", "last_purchase_period", "observation_end_date", "time_unit",
                  "frequency", "recency", "customer_age", "monetary_value", "net_revenue_usd"),
        one_of("time_unit", ["day", "week"]),
        *at_least_zero("frequency", "recency", "monetary_value", "net_revenue_usd"),
        not_less_than("customer_age", "recency"),
        not_less_than("last_purchase_period", "first_purchase_period"),
        not_less_than("observation_end_date", "last_purchase_period"),
        *timestamps("first_purchase_period", "last_purchase_period", "observation_end_date"),
        rule("Without repeat purchases, recency and monetary value are 0.",
             "select person_key from {batch} where frequency = 0 and (recency <> 0 or monetary_value <> 0)"),
    ),
)

clv_model_params = MartSuite(
    mart="clv_model_params",
    grain=("model", "parameter"),
    expectations=(
        gxe.ExpectTableRowCountToEqual(value=7, severity=ERROR),
        *not_null("status", "time_unit", "observation_end_date"),
        one_of("model", ["bg_nbd", "gamma_gamma"]),
        one_of("parameter", ["r", "alpha", "a", "b", "p", "q", "v"]),
        one_of("status", FIT_STATUSES),
        one_of("time_unit", ["day", "week"]),
        between("estimate", min_value=0, strict_min=True),
        between("customers", min_value=0),
        between("frequency_spend_correlation", -1, 1),
        rule("Estimates exactly when fitted.",
             "select * from {batch} where (status = 'insufficient_data') <> (estimate is null)"),
        rule("BG/NBD has r, alpha, a and b; Gamma-Gamma p, q and v.",
             "select * from {batch} where (model = 'bg_nbd') <> (parameter in ('r', 'alpha', 'a', 'b'))"),
        one_of("status", ["converged"], severity=WARNING),
        # Gamma-Gamma assumes spend independent of frequency; far from 0 its predictions are biased
        between("frequency_spend_correlation", -0.3, 0.3, severity=WARNING),
    ),
)

customer_lifetime_value = MartSuite(
    mart="customer_lifetime_value",
    grain=("person_key",),
    expectations=(
        row_count_equals("customer_rfm"),
        *not_null("country_code", "frequency", "historical_net_revenue_usd", "model_status",
                  "has_recent_negative_feedback"),
        *rates("probability_alive"),
        *at_least_zero("expected_purchases_90d", "expected_purchases_365d", "predicted_clv_12m_usd",
                       "historical_net_revenue_usd", "days_since_last_order", "frequency", "monetary_value"),
        between("expected_average_value_usd", min_value=0, strict_min=True),
        not_less_than("expected_purchases_365d", "expected_purchases_90d"),
        not_less_than("customer_age", "recency"),
        one_of("value_segment", SEGMENTS),
        one_of("churn_risk_tier", SEGMENTS),
        one_of("model_status", FIT_STATUSES),
        *timestamps("first_purchase_period", "last_purchase_period", "observation_end_date"),
        rule("The persons of customer_rfm, each once.",
             "select * from {batch} as clv full join marts.customer_rfm as rfm on clv.person_key = rfm.person_key "
             "where clv.person_key is null or rfm.person_key is null"),
        rule("Predictions only from a converged fit.",
             "select person_key from {batch} where model_status <> 'converged' "
             "and (probability_alive is not null or predicted_clv_12m_usd is not null)"),
        rule("A value segment and a churn-risk tier, or the reason why one is missing.",
             "select person_key from {batch} "
             "where (value_segment is null or churn_risk_tier is null) <> (segment_reason is not null)"),
    ),
)

clv_backtest = MartSuite(
    mart="clv_backtest",
    grain=("frequency_bucket",),
    expectations=(
        row_count_between(any_rows_of("customer_rfm"), 9),
        *not_null("customers", "actual_repeat_purchases", "model_status", "calibration_end_date",
                  "observation_end_date"),
        one_of("frequency_bucket", ["0", "1", "2", "3", "4", "5", "6", "7+", "all"]),
        one_of("model_status", FIT_STATUSES),
        *at_least_zero("customers", "actual_repeat_purchases", "predicted_repeat_purchases", "actual_per_customer",
                       "predicted_per_customer", "predicted_to_actual_ratio", "holdout_length"),
        not_less_than("observation_end_date", "calibration_end_date"),
        rule("Bucket all is the sum of the others.",
             "select * from (select sum(customers) filter (where frequency_bucket <> 'all') as buckets, "
             "sum(customers) filter (where frequency_bucket = 'all') as everyone, "
             "sum(actual_repeat_purchases) filter (where frequency_bucket <> 'all') as bucket_purchases, "
             "sum(actual_repeat_purchases) filter (where frequency_bucket = 'all') as all_purchases from {batch}) "
             "where buckets <> everyone or abs(bucket_purchases - all_purchases) > 1e-6"),
        rule("Predicted repeat purchases of all customers within 50% of the actual ones.",
             "select * from {batch} where frequency_bucket = 'all' "
             "and predicted_to_actual_ratio not between 0.5 and 1.5", severity=WARNING),
    ),
)

clv_cac_by_channel = MartSuite(
    mart="clv_cac_by_channel",
    grain=("country_code", "acquisition_channel"),
    expectations=(
        row_count_between(any_rows_of("int_persons_first_orders")),
        *not_null("window_end_date", "spend_usd", "new_customers", "net_revenue_to_date_usd",
                  "customers_with_prediction"),
        *at_least_zero("spend_usd", "new_customers", "cac_usd", "net_revenue_to_date_usd", "predicted_clv_12m_usd",
                       "customers_with_prediction", "value_per_customer_usd", "clv_to_cac_ratio"),
        not_less_than("new_customers", "customers_with_prediction"),
        *timestamps("window_end_date"),
        rule("CAC is spend / new customers, to the cent.",
             "select * from {batch} where abs(cac_usd - spend_usd / new_customers) > 0.01"),
    ),
)

SUITES = [customer_rfm, clv_model_params, customer_lifetime_value, clv_backtest, clv_cac_by_channel]
