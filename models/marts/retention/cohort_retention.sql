-- Cohort retention, long form: one row per segment, cohort grain, cohort and period since the
-- cohort's start, as the retention projection reads it (int_cohort_retention_measured, where
-- every measure is computed; the doc blocks define them).
with

cohorts as (
    select * from {{ ref('int_cohort_retention_measured') }}
),

final as (
    select
        segment_type,
        segment_value,
        cohort_grain,
        cohort_start,
        period_number,
        period_start,
        period_end,
        is_partial_period,
        cohort_size,
        active_customers,
        retention_rate,
        unbounded_active_customers,
        unbounded_retention_rate,
        rolling_eligible_customers,
        rolling_active_customers,
        rolling_retention_rate,
        engaged_customers,
        engagement_retention_rate,
        orders,
        net_revenue_usd,
        period_0_net_revenue_usd,
        revenue_retention_rate,
        cumulative_net_revenue_usd,
        cumulative_net_revenue_usd_per_customer
    from cohorts
)

select * from final
