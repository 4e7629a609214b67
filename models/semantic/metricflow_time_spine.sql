-- MetricFlow's daily time spine: the days of the project's one calendar, under the name and in
-- the folder MetricFlow's configuration expects (models/semantic/_semantic__models.yml).
with

calendar as (
    select * from {{ ref('stg_reference__calendar_days') }}
),

final as (
    select date_day
    from calendar
)

select * from final
