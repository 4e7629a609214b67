{{ config(materialized="table") }}

-- The project's one calendar: a row per day, with the week (ISO, from Monday), month, quarter and
-- year it falls in. Every model that needs a run of days or months reads it (the FX months, the
-- loyalty months, the cohort periods, MetricFlow's time spine) instead of a date spine of its own.
-- It starts on the earliest timestamp lower bound of any source (vars timestamp_lower_bound and
-- timestamp_lower_bound_by_source): staging rejects anything earlier, so no model needs an
-- earlier day. It ends before var calendar_end_date. It cannot take its end from the data: the
-- FX rates read it, and the orders that define the last day of data are converted with them.
{%- set lower_bounds = [] %}
{%- for bound in [var('timestamp_lower_bound')] + (var('timestamp_lower_bound_by_source').values() | list) %}
    {%- do lower_bounds.append((bound | string)[:10]) %}
{%- endfor %}
{%- set start_date = lower_bounds | min %}

with

days as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ start_date ~ "' as date)",
        end_date="cast('" ~ var('calendar_end_date') ~ "' as date)"
    ) }}
),

final as (
    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start
    from days
)

select * from final
