-- The sum over monthly cohorts of period-0 net revenue equals the net revenue, in fct_orders, of
-- confirmed orders placed in the same calendar month as their person's first confirmed order (to
-- the cent, DECIMAL arithmetic).
with

orders as (
    select * from {{ ref('fct_orders') }}
    where is_confirmed_order
),

first_months as (
    select
        person_key,
        min(order_month) as cohort_month
    from orders
    group by person_key
),

expected as (
    select sum(orders.net_revenue_usd) as net_revenue_usd
    from orders
    inner join first_months
        on
            orders.person_key = first_months.person_key
            and orders.order_month = first_months.cohort_month
),

reported as (
    select sum(net_revenue_usd) as net_revenue_usd
    from {{ ref('cohort_retention') }}
    where segment_type = 'all' and cohort_grain = 'month' and period_number = 0
)

select
    expected.net_revenue_usd as expected_net_revenue_usd,
    reported.net_revenue_usd as reported_net_revenue_usd
from expected
cross join reported
where expected.net_revenue_usd <> reported.net_revenue_usd
