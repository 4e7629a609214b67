-- Each person is placed in one country and state, so per month the active customers of all state
-- rows add up to the persons with a confirmed order that month, counted here from fct_orders. A
-- person counted in two states (say, customer ids registered in two places) shows as a surplus.
with

persons_by_month as (
    select
        order_month as activity_month,
        count(distinct person_key) as active_persons
    from {{ ref('fct_orders') }}
    where is_confirmed_order
    group by order_month
),

regional_by_month as (
    select
        activity_month,
        sum(active_customers) as active_customers
    from {{ ref('regional_engagement') }}
    where geo_level = 'state'
    group by activity_month
)

select
    coalesce(persons_by_month.activity_month, regional_by_month.activity_month) as activity_month,
    persons_by_month.active_persons,
    regional_by_month.active_customers
from persons_by_month
full outer join regional_by_month on persons_by_month.activity_month = regional_by_month.activity_month
where coalesce(persons_by_month.active_persons, 0) != coalesce(regional_by_month.active_customers, 0)
