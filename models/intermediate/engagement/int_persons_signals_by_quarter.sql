-- One row per person and calendar quarter in the signal validation's base population (doc block
-- signal_validation): persons with a confirmed order in the signal_validation_active_days before
-- the quarter's start, in the quarters whose next quarter is complete by the last day of data.
-- Each engagement signal's count and the engagement score summed over the quarter's months
-- (int_persons_engagement_by_month; zero without a signal), the person's home country and area
-- type (int_persons), and whether the person ordered in the next quarter.
{%- set signals = engagement_score_signals() %}

with

persons as (
    select * from {{ ref('int_persons') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

engagement as (
    select * from {{ ref('int_persons_engagement_by_month') }}
),

calendar_days as (
    select * from {{ ref('stg_reference__calendar_days') }}
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

quarters as (
    select distinct
        quarter_start,
        cast({{ dbt.dateadd('month', 3, 'quarter_start') }} as date) as next_quarter_start,
        cast({{ dbt.dateadd('month', 6, 'quarter_start') }} as date) as next_quarter_end
    from calendar_days
),

complete_quarters as (
    -- the next quarter's last day (the day before next_quarter_end) is in the data
    select quarters.*
    from quarters
    cross join data_end
    where quarters.next_quarter_end <= {{ dbt.dateadd('day', 1, 'data_end.data_end_date') }}
),

active_persons as (
    select distinct
        complete_quarters.quarter_start,
        orders.person_key
    from complete_quarters
    inner join orders
        on
            complete_quarters.quarter_start > orders.order_date
            and {{ dbt.dateadd(
                'day', -var('signal_validation_active_days'), 'complete_quarters.quarter_start'
            ) }} <= orders.order_date
),

retained_persons as (
    select distinct
        complete_quarters.quarter_start,
        orders.person_key
    from complete_quarters
    inner join orders
        on
            complete_quarters.next_quarter_start <= orders.order_date
            and complete_quarters.next_quarter_end > orders.order_date
),

signals_by_quarter as (
    select
        person_key,
        cast({{ dbt.date_trunc('quarter', 'month_start') }} as date) as quarter_start,
        {% for signal in signals -%}
            sum({{ signal }}) as {{ signal }},
        {% endfor -%}
        -- summed as decimals (6 places), exactly: a sum of doubles depends on the order the rows
        -- are read in, so an incremental run and a full refresh differed in the 15th digit
        sum(cast(engagement_score as decimal(18, 6))) as engagement_score
    from engagement
    group by person_key, cast({{ dbt.date_trunc('quarter', 'month_start') }} as date)
),

final as (
    select
        active_persons.person_key,
        active_persons.quarter_start,
        persons.country_code,
        coalesce(persons.area_type, 'unknown') as area_type,
        {% for signal in signals -%}
            cast(coalesce(signals_by_quarter.{{ signal }}, 0) as {{ dbt.type_bigint() }}) as {{ signal }},
        {% endfor -%}
        cast(coalesce(signals_by_quarter.engagement_score, 0) as double) as engagement_score,
        retained_persons.person_key is not null as is_retained_next_quarter
    from active_persons
    inner join persons on active_persons.person_key = persons.person_key
    left join signals_by_quarter
        on
            active_persons.person_key = signals_by_quarter.person_key
            and active_persons.quarter_start = signals_by_quarter.quarter_start
    left join retained_persons
        on
            active_persons.person_key = retained_persons.person_key
            and active_persons.quarter_start = retained_persons.quarter_start
)

select * from final
