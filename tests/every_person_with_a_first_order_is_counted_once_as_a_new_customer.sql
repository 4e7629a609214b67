-- Every person with a first confirmed order (int_persons_first_orders) is counted once: in
-- repeat_purchase_summary's segment all, and among marketing_performance's new customers.
with

persons as (
    select count(*) as persons
    from {{ ref('int_persons_first_orders') }}
),

counted as (
    select
        concat('repeat_purchase_summary window ', cast(window_days as {{ dbt.type_string() }})) as counted_in,
        customers as persons
    from {{ ref('repeat_purchase_summary') }}
    where segment_type = 'all'
    union all
    select
        'marketing_performance' as counted_in,
        coalesce(sum(new_customers), 0) as persons
    from {{ ref('marketing_performance') }}
)

select
    counted.counted_in,
    counted.persons,
    persons.persons as persons_with_a_first_order
from counted
cross join persons
where counted.persons <> persons.persons
