-- A cohort's cumulative net revenue in cohort_retention never falls from one period to the next.
with

periods as (
    select
        segment_type,
        segment_value,
        cohort_grain,
        cohort_start,
        period_number,
        cumulative_net_revenue_usd,
        lag(cumulative_net_revenue_usd) over (
            partition by segment_type, segment_value, cohort_grain, cohort_start
            order by period_number
        ) as previous_cumulative_net_revenue_usd
    from {{ ref('cohort_retention') }}
)

select *
from periods
where cumulative_net_revenue_usd < previous_cumulative_net_revenue_usd
