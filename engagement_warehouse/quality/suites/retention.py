"""Suites of models/marts/retention: cohort_retention, retention_curves, repeat_purchase_summary,
retention_projection."""

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
    rows_of,
    rule,
    timestamps,
)

COHORT = "segment_type, segment_value, cohort_grain, cohort_start"
CURVE = "segment_type, segment_value, cohort_grain"

cohort_retention = MartSuite(
    mart="cohort_retention",
    grain=("segment_type", "segment_value", "cohort_grain", "cohort_start", "period_number"),
    expectations=(
        row_count_between(any_rows_of("int_persons_first_orders")),
        *not_null("period_start", "period_end", "is_partial_period", "cohort_size", "active_customers",
                  "retention_rate", "unbounded_retention_rate", "engagement_retention_rate", "net_revenue_usd"),
        one_of("cohort_grain", ["month", "week"]),
        between("period_number", min_value=0),
        between("cohort_size", min_value=1),
        *rates("retention_rate", "unbounded_retention_rate", "rolling_retention_rate",
               "engagement_retention_rate"),
        *at_least_zero("active_customers", "engaged_customers", "orders", "net_revenue_usd",
                       "period_0_net_revenue_usd", "cumulative_net_revenue_usd",
                       "cumulative_net_revenue_usd_per_customer"),
        # revenue retention can pass 1 (customers who spend more later), never go below 0
        between("revenue_retention_rate", min_value=0),
        not_less_than("cohort_size", "active_customers"),
        not_less_than("unbounded_active_customers", "active_customers"),
        not_less_than("cohort_size", "unbounded_active_customers"),
        not_less_than("rolling_eligible_customers", "rolling_active_customers"),
        not_less_than("cohort_size", "engaged_customers"),
        not_less_than("period_start", "cohort_start"),
        not_less_than("period_end", "period_start"),
        *timestamps("cohort_start", "period_start"),
        rule("Everyone in a cohort is active in period 0: retention_rate is 1.",
             "select * from {batch} where period_number = 0 and retention_rate <> 1"),
        rule("retention_rate is active_customers / cohort_size.",
             "select * from {batch} where abs(retention_rate - active_customers / cohort_size) > 1e-9"),
        rule("A cohort has the same size in every period, and periods 0 to its last without a gap.",
             f"select {COHORT} from {{batch}} group by {COHORT} "
             "having min(cohort_size) <> max(cohort_size) or min(period_number) <> 0 "
             "or count(*) <> max(period_number) + 1"),
        rule("Only a cohort's last period can be partial, and at most one.",
             f"select {COHORT} from {{batch}} group by {COHORT} "
             "having count(*) filter (where is_partial_period) > 1 "
             "or max(period_number) filter (where is_partial_period) <> max(period_number)"),
        rule("Segments split a cohort: the sizes of a segment type's values add up to segment all's.",
             "with by_type as (select segment_type, cohort_grain, cohort_start, sum(cohort_size) as customers "
             "from {batch} where period_number = 0 group by all), "
             "everyone as (select cohort_grain, cohort_start, cohort_size from {batch} "
             "where segment_type = 'all' and period_number = 0) "
             "select * from by_type full join everyone using (cohort_grain, cohort_start) "
             "where by_type.customers is distinct from everyone.cohort_size"),
        rule("Cumulative revenue never falls from one period to the next.",
             f"select * from (select cumulative_net_revenue_usd, lag(cumulative_net_revenue_usd) over "
             f"(partition by {COHORT} order by period_number) as previous from {{batch}}) "
             "where cumulative_net_revenue_usd < previous"),
    ),
)

retention_curves = MartSuite(
    mart="retention_curves",
    grain=("segment_type", "segment_value", "cohort_grain", "period_number"),
    expectations=(
        row_count_between(0, rows_of("cohort_retention")),
        *not_null("cohorts", "customers", "active_customers", "retention_rate"),
        one_of("cohort_grain", ["month", "week"]),
        between("period_number", min_value=0),
        between("cohorts", min_value=1),
        between("customers", min_value=1),
        *rates("retention_rate", "unbounded_retention_rate", "rolling_retention_rate",
               "engagement_retention_rate"),
        *at_least_zero("net_revenue_usd", "period_0_net_revenue_usd", "cumulative_net_revenue_usd_per_customer"),
        between("revenue_retention_rate", min_value=0),
        not_less_than("customers", "active_customers"),
        not_less_than("unbounded_active_customers", "active_customers"),
        not_less_than("customers", "unbounded_active_customers"),
        not_less_than("rolling_eligible_customers", "rolling_active_customers"),
        not_less_than("customers", "engaged_customers"),
        rule("Curve weights: a point's customers and cohorts are the sizes and the number of the cohorts "
             "of cohort_retention that completed the period.",
             "with completed as (select segment_type, segment_value, cohort_grain, period_number, "
             "count(*) as cohorts, sum(cohort_size) as customers from marts.cohort_retention "
             "where not is_partial_period group by all) "
             "select * from {batch} as curve full join completed "
             "using (segment_type, segment_value, cohort_grain, period_number) "
             "where curve.customers is distinct from completed.customers "
             "or curve.cohorts is distinct from completed.cohorts"),
        rule("Segments split the customers: at period 0 the customers of a segment type's values add up to "
             "segment all's.",
             "with by_type as (select segment_type, cohort_grain, sum(customers) as customers from {batch} "
             "where period_number = 0 group by all), "
             "everyone as (select cohort_grain, customers from {batch} "
             "where segment_type = 'all' and period_number = 0) "
             "select * from by_type full join everyone using (cohort_grain) "
             "where by_type.customers is distinct from everyone.customers"),
        rule("Everyone is active in period 0: retention_rate is 1.",
             "select * from {batch} where period_number = 0 and retention_rate <> 1"),
        rule("retention_rate is active_customers / customers.",
             "select * from {batch} where abs(retention_rate - active_customers / customers) > 1e-9"),
    ),
)

repeat_purchase_summary = MartSuite(
    mart="repeat_purchase_summary",
    grain=("segment_type", "segment_value", "window_days"),
    expectations=(
        row_count_between(any_rows_of("int_persons_first_orders")),
        *not_null("customers", "eligible_customers", "repeat_customers"),
        between("window_days", min_value=1),
        between("customers", min_value=1),
        *rates("repeat_purchase_rate"),
        *at_least_zero("repeat_customers", "repeat_customers_to_date", "mean_days_to_second_order",
                       "p25_days_to_second_order", "median_days_to_second_order", "p75_days_to_second_order"),
        not_less_than("customers", "eligible_customers"),
        not_less_than("eligible_customers", "repeat_customers"),
        not_less_than("customers", "repeat_customers_to_date"),
        not_less_than("median_days_to_second_order", "p25_days_to_second_order"),
        not_less_than("p75_days_to_second_order", "median_days_to_second_order"),
        rule("repeat_purchase_rate is repeat_customers / eligible_customers.",
             "select * from {batch} where abs(repeat_purchase_rate - repeat_customers / eligible_customers) > 1e-9"),
        rule("Segment all counts every person with a first confirmed order.",
             "select * from {batch} where segment_type = 'all' "
             "and customers <> (select count(*) from intermediate.int_persons_first_orders)"),
    ),
)

retention_projection = MartSuite(
    mart="retention_projection",
    grain=("segment_type", "segment_value", "cohort_grain", "period_number"),
    expectations=(
        row_count_between(any_rows_of("retention_curves")),
        *not_null("fit_status", "observed_cohorts", "observed_customers"),
        one_of("cohort_grain", ["month", "week"]),
        one_of("fit_status", ["fitted", "fitted_at_bound", "insufficient_data", "not_converged"]),
        between("period_number", min_value=0),
        *rates("observed_survival", "projected_survival", "projected_retention_rate"),
        *at_least_zero("observed_cohorts", "observed_customers", "discounted_expected_residual_lifetime_periods"),
        between("alpha", min_value=0, strict_min=True),
        between("beta", min_value=0, strict_min=True),
        rule("A projection exactly for the fitted segments.",
             "select * from {batch} "
             "where (projected_survival is not null) <> (fit_status in ('fitted', 'fitted_at_bound'))"),
        rule("Projected survival is 1 at period 0 and never rises.",
             f"select * from (select period_number, projected_survival, lag(projected_survival) over "
             f"(partition by {CURVE} order by period_number) as previous from {{batch}}) "
             "where (period_number = 0 and abs(projected_survival - 1) > 1e-9) "
             "or projected_survival > previous + 1e-12"),
    ),
)

SUITES = [cohort_retention, retention_curves, repeat_purchase_summary, retention_projection]
