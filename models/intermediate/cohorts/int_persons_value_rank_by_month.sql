-- One row per local calendar month and person with a confirmed order before it: the person's
-- net revenue to date (confirmed orders before the month, USD) and its percent rank among those
-- persons, highest first (0 = the top; ties share a rank). Rule top_value_no_order of the dynamic
-- cohorts (doc block cohort_rules) reads a person's rank of the month a day falls in, so the
-- decile moves monthly and never looks at orders after the day. Months up to the data end.
--
-- Incremental by affected month (doc block value_rank_incremental): a month's ranks change only
-- when a person's revenue of an earlier month changes, or the month is new. A run finds the
-- earliest month whose stored revenue to date differs from the orders now (compared for the
-- persons int_persons_signals_by_day recomputed since this model's last run, and the persons it
-- no longer holds) and recomputes that month and every later one, for every person; rows are
-- replaced by month_start. A recomputed month gets one placeholder row (person_key null), so that
-- a month left with no person still replaces its old rows; the post-hook deletes the placeholders.
{{ config(
    materialized=keyed_incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='month_start',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}{% set condition %}person_key is null{% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}

with

orders as (
    select * from {{ ref('int_persons_signals_by_day') }}
    where signal_name = 'confirmed_orders'
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

months as (
    select distinct calendar_days.month_start
    from {{ ref('stg_reference__calendar_days') }} as calendar_days
    cross join data_end
    where calendar_days.date_day <= data_end.data_end_date
),

revenue_by_month as (
    select
        person_key,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as order_month_start,
        sum(net_revenue_usd) as net_revenue_usd
    from orders
    group by person_key, cast({{ dbt.date_trunc('month', 'activity_date') }} as date)
),

first_order_months as (
    select
        person_key,
        min(order_month_start) as first_order_month_start
    from revenue_by_month
    group by person_key
),

{% if is_incremental() %}
stored as (
    select * from {{ this }}
),

-- the persons whose orders int_persons_signals_by_day recomputed since this model's last run
changed_persons as (
    select distinct signal_days.person_key
    from {{ ref('int_persons_signals_by_day') }} as signal_days
    where
        signal_days.loaded_at > {{ latest_loaded_at() }}
),

-- their revenue to date now, month by month (the same sum as below, on a few persons)
changed_revenue_to_date as (
    select
        first_order_months.person_key,
        months.month_start,
        sum(coalesce(revenue_by_month.net_revenue_usd, 0)) over (
            partition by first_order_months.person_key
            order by months.month_start asc
            rows between unbounded preceding and current row
        ) as net_revenue_usd_to_date
    from first_order_months
    inner join changed_persons on first_order_months.person_key = changed_persons.person_key
    inner join months on first_order_months.first_order_month_start < months.month_start
    left join revenue_by_month
        on
            first_order_months.person_key = revenue_by_month.person_key
            and revenue_by_month.order_month_start
            = cast({{ dbt.dateadd('month', -1, 'months.month_start') }} as date)
),

stored_persons as (
    select distinct person_key from stored
),

-- the months from which the stored ranks can be wrong
changed_months as (
    -- a changed person's revenue to date differs, or the person gained or lost the month
    select coalesce(changed_revenue_to_date.month_start, changed_stored.month_start) as month_start
    from changed_revenue_to_date
    full outer join (
        select stored.*
        from stored
        inner join changed_persons on stored.person_key = changed_persons.person_key
    ) as changed_stored
        on
            changed_revenue_to_date.person_key = changed_stored.person_key
            and changed_revenue_to_date.month_start = changed_stored.month_start
    where
        changed_revenue_to_date.person_key is null
        or changed_stored.person_key is null
        or changed_revenue_to_date.net_revenue_usd_to_date
        != changed_stored.net_revenue_usd_to_date
    union all
    -- a person held no more (no confirmed order now): from its first stored month
    select min(stored.month_start)
    from stored
    left join first_order_months on stored.person_key = first_order_months.person_key
    where first_order_months.person_key is null
    union all
    -- a month after the last stored one: the data end reached it
    select min(months.month_start)
    from months
    where months.month_start > (select max(stored.month_start) from stored)
),

first_recomputed_month as (
    select min(month_start) as month_start from changed_months
),
{% endif %}

-- every month after the person's first order month, with the revenue of the month before it;
-- summed to date as decimals, exact in any order
person_months as (
    select
        first_order_months.person_key,
        months.month_start,
        coalesce(revenue_by_month.net_revenue_usd, 0) as previous_month_net_revenue_usd
    from first_order_months
    inner join months on first_order_months.first_order_month_start < months.month_start
    left join revenue_by_month
        on
            first_order_months.person_key = revenue_by_month.person_key
            and revenue_by_month.order_month_start
            = cast({{ dbt.dateadd('month', -1, 'months.month_start') }} as date)
    {% if is_incremental() -%}
        where months.month_start >= (select first_recomputed_month.month_start from first_recomputed_month)
    {%- endif %}
),

{% if is_incremental() %}
-- the revenue before the first recomputed month's previous month, which the sum below starts after
revenue_before as (
    select
        revenue_by_month.person_key,
        sum(revenue_by_month.net_revenue_usd) as net_revenue_usd
    from revenue_by_month
    where
        revenue_by_month.order_month_start < (
            select cast({{ dbt.dateadd('month', -1, 'first_recomputed_month.month_start') }} as date)
            from first_recomputed_month
        )
    group by revenue_by_month.person_key
),
{% endif %}

revenue_to_date as (
    select
        person_months.month_start,
        person_months.person_key,
        {% if is_incremental() -%}
            coalesce(revenue_before.net_revenue_usd, 0) +
        {% endif -%}
        sum(person_months.previous_month_net_revenue_usd) over (
            partition by person_months.person_key
            order by person_months.month_start asc
            rows between unbounded preceding and current row
        ) as net_revenue_usd_to_date
    from person_months
    {% if is_incremental() -%}
        left join revenue_before on person_months.person_key = revenue_before.person_key
    {%- endif %}
),

final as (
    select
        month_start,
        person_key,
        cast(net_revenue_usd_to_date as decimal(18, 2)) as net_revenue_usd_to_date,
        cast(
            percent_rank() over (partition by month_start order by net_revenue_usd_to_date desc) as double
        ) as net_revenue_percent_rank,
        {{ run_started_at_utc() }} as loaded_at
    from revenue_to_date
    {% if is_incremental() %}
        union all
        -- one placeholder per recomputed month (deleted by the post-hook)
        select
            stored_months.month_start,
            cast(null as {{ dbt.type_string() }}) as person_key,
            cast(null as decimal(18, 2)) as net_revenue_usd_to_date,
            cast(null as double) as net_revenue_percent_rank,
            {{ run_started_at_utc() }} as loaded_at
        from (select distinct stored.month_start from stored) as stored_months
        where stored_months.month_start >= (select first_recomputed_month.month_start from first_recomputed_month)
    {% endif %}
)

select * from final
