-- Cohort retention, long form: one row per segment, cohort grain, cohort and period since the
-- cohort's start. Periods run from 0 to the period that contains the last day of data; that last
-- one is flagged is_partial_period (not a drop: the period is not over). See the doc blocks for
-- each measure's definition. The mart cohort_retention and the retention projection
-- (int_cohort_retention_projected) read it.
{%- set grains = var('retention_cohort_grains') %}
{%- set rolling_days = var('retention_rolling_window_days') %}

with

persons as (
    select * from {{ ref('int_persons_first_orders') }}
),

person_segments as (
    select * from {{ ref('int_persons_segments') }}
),

activity as (
    select * from {{ ref('int_persons_activity_by_period') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

calendar_days as (
    select * from {{ ref('stg_reference__calendar_days') }}
),

-- Each (segment_type, segment_value) numbered once: the grid below is keyed and windowed by this
-- integer, not by two strings (DECISIONS.md, issue 22), and the names are joined back at the end.
numbered_segments as (
    select
        person_key,
        segment_type,
        segment_value,
        dense_rank() over (order by segment_type, segment_value) as segment_id
    from person_segments
),

segments as (
    select
        person_key,
        segment_id
    from numbered_segments
),

segment_names as (
    select distinct
        segment_id,
        segment_type,
        segment_value
    from numbered_segments
),

period_starts as (
    -- every period of each grain up to the one that holds the last day of data
    {% for grain in grains -%}
        select distinct
            '{{ grain }}' as cohort_grain,
            calendar_days.{{ grain }}_start as period_start
        from calendar_days
        cross join data_end
        where calendar_days.date_day <= data_end.data_end_date
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

person_cohorts as (
    {% for grain in grains -%}
        select
            persons.person_key,
            persons.first_order_date,
            '{{ grain }}' as cohort_grain,
            cast({{ dbt.date_trunc(grain, 'persons.first_order_date') }} as date) as cohort_start,
            -- the last period whose rolling window (days since the first order) is complete
            cast(floor(
                cast({{ dbt.datediff(
                    'persons.first_order_date',
                    'data_end.data_end_date',
                    'day'
                ) }} as double)
                / {{ rolling_days[grain] }}
            ) as {{ dbt.type_int() }}) as last_complete_rolling_period
        from persons
        cross join data_end
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

cohorts as (
    select
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        count(*) as cohort_size
    from segments
    inner join person_cohorts on segments.person_key = person_cohorts.person_key
    group by
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start
),

periods as (
    -- a cohort's periods are the calendar's from its start on, numbered from 0
    {% for grain in grains -%}
        select
            cohorts.segment_id,
            cohorts.cohort_grain,
            cohorts.cohort_start,
            cohorts.cohort_size,
            -- both are starts of the grain, so the difference counts the calendar's periods
            -- between them (as int_persons_activity_by_period numbers them)
            cast({{ dbt.datediff(
                'cohorts.cohort_start',
                'period_starts.period_start',
                grain
            ) }} as {{ dbt.type_int() }}) as period_number,
            period_starts.period_start,
            cast({{ dbt.dateadd(
                'day',
                -1,
                dbt.dateadd(grain, 1, 'period_starts.period_start')
            ) }} as date) as period_end
        from cohorts
        inner join period_starts
            on
                cohorts.cohort_grain = period_starts.cohort_grain
                and cohorts.cohort_start <= period_starts.period_start
        where cohorts.cohort_grain = '{{ grain }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

period_activity as (
    select
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        activity.period_number,
        sum(case when activity.is_active then 1 else 0 end) as active_customers,
        sum(case when activity.is_engaged then 1 else 0 end) as engaged_customers,
        sum(activity.orders) as orders,
        sum(activity.net_revenue_usd) as net_revenue_usd
    from activity
    inner join person_cohorts
        on
            activity.person_key = person_cohorts.person_key
            and activity.cohort_grain = person_cohorts.cohort_grain
    inner join segments on activity.person_key = segments.person_key
    group by
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        activity.period_number
),

last_active_periods as (
    -- active in period n or later = last active period >= n
    select
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        last_active.last_active_period as period_number,
        count(*) as customers_last_active
    from (
        select
            person_key,
            cohort_grain,
            max(period_number) as last_active_period
        from activity
        where is_active
        group by person_key, cohort_grain
    ) as last_active
    inner join person_cohorts
        on
            last_active.person_key = person_cohorts.person_key
            and last_active.cohort_grain = person_cohorts.cohort_grain
    inner join segments on last_active.person_key = segments.person_key
    group by
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        last_active.last_active_period
),

rolling_orders as (
    -- rolling period of each confirmed order: 0 for the first order's day, then windows of
    -- retention_rolling_window_days[grain] days (period 1 = days 1 to 30 for months)
    {% for grain in grains -%}
        select distinct
            orders.person_key,
            '{{ grain }}' as cohort_grain,
            case
                when orders.order_date = persons.first_order_date then 0
                else cast(floor(
                    cast({{ dbt.datediff(
                        'persons.first_order_date',
                        'orders.order_date',
                        'day'
                    ) }} - 1 as double)
                    / {{ rolling_days[grain] }}
                ) as {{ dbt.type_int() }}) + 1
            end as rolling_period
        from orders
        inner join persons on orders.person_key = persons.person_key
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rolling_active as (
    select
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        rolling_orders.rolling_period as period_number,
        count(*) as rolling_active_customers
    from rolling_orders
    inner join person_cohorts
        on
            rolling_orders.person_key = person_cohorts.person_key
            and rolling_orders.cohort_grain = person_cohorts.cohort_grain
    inner join segments on rolling_orders.person_key = segments.person_key
    -- only windows complete in the data, as in the denominator
    where rolling_orders.rolling_period <= person_cohorts.last_complete_rolling_period
    group by
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        rolling_orders.rolling_period
),

rolling_eligibility as (
    select
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        person_cohorts.last_complete_rolling_period as period_number,
        count(*) as customers_last_eligible
    from person_cohorts
    inner join segments on person_cohorts.person_key = segments.person_key
    group by
        segments.segment_id,
        person_cohorts.cohort_grain,
        person_cohorts.cohort_start,
        person_cohorts.last_complete_rolling_period
),

measures as (
    -- the per-period counts of each source in one long relation (zeros for the others' columns),
    -- so one join attaches them to the periods
    {%- set measure_sources = [
        ('period_activity', ['active_customers', 'engaged_customers', 'orders', 'net_revenue_usd']),
        ('last_active_periods', ['customers_last_active']),
        ('rolling_active', ['rolling_active_customers']),
        ('rolling_eligibility', ['customers_last_eligible']),
    ] %}
    {%- set all_measures = measure_sources | map(attribute=1) | sum(start=[]) %}
    {%- for source_cte, source_measures in measure_sources %}
        select
            segment_id,
            cohort_grain,
            cohort_start,
            period_number,
            {%- for measure in all_measures %}
                {% if measure in source_measures %}{{ measure }}{% else %}0 as {{ measure }}{% endif %}
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ source_cte }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

measures_by_period as (
    select
        segment_id,
        cohort_grain,
        cohort_start,
        period_number,
        sum(active_customers) as active_customers,
        sum(engaged_customers) as engaged_customers,
        sum(orders) as orders,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(customers_last_active) as customers_last_active,
        sum(rolling_active_customers) as rolling_active_customers,
        sum(customers_last_eligible) as customers_last_eligible
    from measures
    group by segment_id, cohort_grain, cohort_start, period_number
),

joined as (
    select
        periods.*,
        coalesce(measures_by_period.active_customers, 0) as active_customers,
        coalesce(measures_by_period.engaged_customers, 0) as engaged_customers,
        coalesce(measures_by_period.orders, 0) as orders,
        cast(coalesce(measures_by_period.net_revenue_usd, 0) as decimal(18, 2)) as net_revenue_usd,
        coalesce(measures_by_period.customers_last_active, 0) as customers_last_active,
        coalesce(measures_by_period.rolling_active_customers, 0) as rolling_active_customers,
        coalesce(measures_by_period.customers_last_eligible, 0) as customers_last_eligible,
        periods.period_end > data_end.data_end_date as is_partial_period
    from periods
    cross join data_end
    left join measures_by_period
        on
            periods.segment_id = measures_by_period.segment_id
            and periods.cohort_grain = measures_by_period.cohort_grain
            and periods.cohort_start = measures_by_period.cohort_start
            and periods.period_number = measures_by_period.period_number
),

cumulated as (
    -- every running sum in one ordering of each cohort's periods, so that one sort serves them all
    select
        *,
        -- people whose last active period is n or later: the cohort's total minus those whose
        -- last active period came before n
        sum(customers_last_active) over (
            partition by segment_id, cohort_grain, cohort_start
        ) - sum(customers_last_active) over (
            partition by segment_id, cohort_grain, cohort_start
            order by period_number asc rows between unbounded preceding and current row
        ) + customers_last_active as unbounded_active_customers,
        -- people whose last complete rolling period is n or later
        cohort_size - sum(customers_last_eligible) over (
            partition by segment_id, cohort_grain, cohort_start
            order by period_number asc rows between unbounded preceding and current row
        ) + customers_last_eligible as rolling_eligible_customers,
        sum(net_revenue_usd) over (
            partition by segment_id, cohort_grain, cohort_start
            order by period_number asc rows between unbounded preceding and current row
        ) as cumulative_net_revenue_usd,
        max(case when period_number = 0 then net_revenue_usd end) over (
            partition by segment_id, cohort_grain, cohort_start
        ) as period_0_net_revenue_usd
    from joined
),

final as (
    select
        segment_names.segment_type,
        segment_names.segment_value,
        cumulated.cohort_grain,
        cumulated.cohort_start,
        cumulated.period_number,
        cumulated.period_start,
        cumulated.period_end,
        cumulated.is_partial_period,
        cast(cumulated.cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        {{ retention_rates('cohort_size') }},
        cast(cumulated.orders as {{ dbt.type_bigint() }}) as orders,
        cumulated.net_revenue_usd,
        cumulated.period_0_net_revenue_usd,
        cast(cumulated.net_revenue_usd as double)
        / nullif(cumulated.period_0_net_revenue_usd, 0) as revenue_retention_rate,
        cast(cumulated.cumulative_net_revenue_usd as decimal(18, 2)) as cumulative_net_revenue_usd,
        {{ average_to_the_cent('cumulated.cumulative_net_revenue_usd', 'cumulated.cohort_size') }}
            as cumulative_net_revenue_usd_per_customer
    from cumulated
    inner join segment_names on cumulated.segment_id = segment_names.segment_id
)

select * from final
