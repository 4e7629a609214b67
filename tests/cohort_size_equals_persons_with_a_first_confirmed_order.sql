-- For every cohort of segment 'all': cohort_size in period 0 equals the number of persons whose
-- first confirmed order (counted here straight from fct_orders) falls in the cohort's month or week.
with

first_orders as (
    select
        person_key,
        min(order_date) as first_order_date
    from {{ ref('fct_orders') }}
    where is_confirmed_order
    group by person_key
),

expected as (
    select
        'month' as cohort_grain,
        cast({{ dbt.date_trunc('month', 'first_order_date') }} as date) as cohort_start,
        count(*) as persons
    from first_orders
    group by cast({{ dbt.date_trunc('month', 'first_order_date') }} as date)
    union all
    select
        'week' as cohort_grain,
        cast({{ dbt.date_trunc('week', 'first_order_date') }} as date) as cohort_start,
        count(*) as persons
    from first_orders
    group by cast({{ dbt.date_trunc('week', 'first_order_date') }} as date)
),

reported as (
    select
        cohort_grain,
        cohort_start,
        cohort_size
    from {{ ref('cohort_retention') }}
    where segment_type = 'all' and period_number = 0
)

select
    expected.cohort_grain,
    expected.cohort_start,
    expected.persons,
    reported.cohort_size
from expected
full outer join reported
    on
        expected.cohort_grain = reported.cohort_grain
        and expected.cohort_start = reported.cohort_start
where expected.persons is distinct from reported.cohort_size
