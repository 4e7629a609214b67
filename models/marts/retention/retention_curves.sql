-- Retention curves: per segment, cohort grain and period number, the cohort-size-weighted
-- retention over every cohort that has completed that period (partial periods left out), and
-- how many cohorts and customers stand behind each point. What a retention-curve chart plots.
with

cohort_retention as (
    select * from {{ ref('cohort_retention') }}
    where not is_partial_period
),

curves as (
    select
        segment_type,
        segment_value,
        cohort_grain,
        period_number,
        count(*) as cohorts,
        sum(cohort_size) as customers,
        sum(active_customers) as active_customers,
        sum(unbounded_active_customers) as unbounded_active_customers,
        sum(rolling_eligible_customers) as rolling_eligible_customers,
        sum(rolling_active_customers) as rolling_active_customers,
        sum(engaged_customers) as engaged_customers,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(period_0_net_revenue_usd) as period_0_net_revenue_usd,
        sum(cumulative_net_revenue_usd) as cumulative_net_revenue_usd
    from cohort_retention
    group by segment_type, segment_value, cohort_grain, period_number
),

final as (
    select
        segment_type,
        segment_value,
        cohort_grain,
        period_number,
        cast(cohorts as {{ dbt.type_bigint() }}) as cohorts,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        {{ retention_rates('customers') }},
        cast(net_revenue_usd as decimal(18, 2)) as net_revenue_usd,
        cast(period_0_net_revenue_usd as decimal(18, 2)) as period_0_net_revenue_usd,
        cast(net_revenue_usd as double) / nullif(period_0_net_revenue_usd, 0) as revenue_retention_rate,
        {{ average_to_the_cent('cumulative_net_revenue_usd', 'customers') }}
            as cumulative_net_revenue_usd_per_customer
    from curves
)

select * from final
