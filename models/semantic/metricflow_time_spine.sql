-- MetricFlow's daily time spine: one row per calendar day, the base of metric_time (day, week,
-- month, quarter, year) for every metric of the semantic layer. The range covers the demo data
-- (2023 onwards) with room on both sides; vars time_spine_start_date and time_spine_end_date
-- (dbt_project.yml, end exclusive) move it.
-- dbt.date_spine keeps it portable (DuckDB today, Spark later).
with

days as (
    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('time_spine_start_date') ~ "' as date)",
        end_date="cast('" ~ var('time_spine_end_date') ~ "' as date)"
    ) }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
