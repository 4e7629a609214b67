-- A point of retention_curves weighs the cohorts of cohort_retention that completed the period:
-- its customers are their sizes summed and its cohorts their number.
with

completed as (
    select
        segment_type,
        segment_value,
        cohort_grain,
        period_number,
        count(*) as cohorts,
        sum(cohort_size) as customers
    from {{ ref('cohort_retention') }}
    where not is_partial_period
    group by segment_type, segment_value, cohort_grain, period_number
),

curves as (
    select
        segment_type,
        segment_value,
        cohort_grain,
        period_number,
        cohorts,
        customers
    from {{ ref('retention_curves') }}
)

select
    coalesce(curves.segment_type, completed.segment_type) as segment_type,
    coalesce(curves.segment_value, completed.segment_value) as segment_value,
    coalesce(curves.cohort_grain, completed.cohort_grain) as cohort_grain,
    coalesce(curves.period_number, completed.period_number) as period_number,
    curves.customers,
    completed.customers as completed_customers,
    curves.cohorts,
    completed.cohorts as completed_cohorts
from curves
full outer join completed
    on
        curves.segment_type = completed.segment_type
        and curves.segment_value = completed.segment_value
        and curves.cohort_grain = completed.cohort_grain
        and curves.period_number = completed.period_number
where
    curves.customers is distinct from completed.customers
    or curves.cohorts is distinct from completed.cohorts
