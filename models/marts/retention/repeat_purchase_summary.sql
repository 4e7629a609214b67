-- Repeat purchase by segment: for each window (var repeat_purchase_windows_days), the share of
-- people who placed a second confirmed order within that many days of their first, counted only
-- over people whose window is complete in the data; and the distribution of days to the second
-- order among people who placed one.
with

persons as (
    select * from {{ ref('int_persons_first_orders') }}
),

segments as (
    select * from {{ ref('int_persons_segments') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

second_orders as (
    select
        person_key,
        days_since_previous_confirmed_order as days_to_second_order
    from orders
    where confirmed_order_sequence = 2
),

person_facts as (
    select
        persons.person_key,
        {{ dbt.datediff(
            'persons.first_order_date',
            'data_end.data_end_date',
            'day'
        ) }} as days_observed,
        second_orders.days_to_second_order
    from persons
    cross join data_end
    left join second_orders on persons.person_key = second_orders.person_key
),

segment_facts as (
    select
        segments.segment_type,
        segments.segment_value,
        person_facts.days_observed,
        person_facts.days_to_second_order
    from segments
    inner join person_facts on segments.person_key = person_facts.person_key
),

distribution as (
    select
        segment_type,
        segment_value,
        count(*) as customers,
        count(days_to_second_order) as repeat_customers_to_date,
        avg(cast(days_to_second_order as double)) as mean_days_to_second_order,
        percentile_cont(0.25) within group (order by days_to_second_order) as p25_days_to_second_order,
        percentile_cont(0.5) within group (order by days_to_second_order) as median_days_to_second_order,
        percentile_cont(0.75) within group (order by days_to_second_order) as p75_days_to_second_order
    from segment_facts
    group by segment_type, segment_value
),

windows as (
    {% for window_days in var('repeat_purchase_windows_days') -%}
        select
            segment_type,
            segment_value,
            {{ window_days }} as window_days,
            sum(case when days_observed >= {{ window_days }} then 1 else 0 end) as eligible_customers,
            sum(
                case
                    when days_observed >= {{ window_days }} and days_to_second_order <= {{ window_days }} then 1
                    else 0
                end
            ) as repeat_customers
        from segment_facts
        group by segment_type, segment_value
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        windows.segment_type,
        windows.segment_value,
        cast(windows.window_days as {{ dbt.type_int() }}) as window_days,
        cast(distribution.customers as {{ dbt.type_bigint() }}) as customers,
        cast(windows.eligible_customers as {{ dbt.type_bigint() }}) as eligible_customers,
        cast(windows.repeat_customers as {{ dbt.type_bigint() }}) as repeat_customers,
        cast(windows.repeat_customers as double) / nullif(windows.eligible_customers, 0) as repeat_purchase_rate,
        cast(distribution.repeat_customers_to_date as {{ dbt.type_bigint() }}) as repeat_customers_to_date,
        distribution.mean_days_to_second_order,
        cast(distribution.p25_days_to_second_order as double) as p25_days_to_second_order,
        cast(distribution.median_days_to_second_order as double) as median_days_to_second_order,
        cast(distribution.p75_days_to_second_order as double) as p75_days_to_second_order
    from windows
    inner join distribution
        on
            windows.segment_type = distribution.segment_type
            and windows.segment_value = distribution.segment_value
)

select * from final
