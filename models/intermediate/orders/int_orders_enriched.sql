-- Orders with their person, net revenue and place in the person's purchase history. Order
-- sequence and days since the previous order count confirmed orders of the person (all of their
-- customer ids), since cohorts and retention count people.
{%- set previous_order_date = '(lag(with_person.order_date) over person_orders)' %}
with

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

with_person as (
    select
        orders.*,
        persons.person_key,
        -- net revenue: subtotal minus discount, in USD at the rate of the order's month
        cast(orders.subtotal_local - orders.discount_local as decimal(18, 2)) as net_revenue_local,
        {{ to_usd('orders.subtotal_local - orders.discount_local', 'orders.fx_usd_per_unit') }} as net_revenue_usd
    from orders
    inner join persons on orders.customer_id = persons.customer_id
),

-- the sequence over the person's confirmed orders: one window over every order, partitioned by the
-- flag too, kept for confirmed orders only (the orders are not read twice and joined back)
final as (
    select
        with_person.*,
        case
            when with_person.is_confirmed_order
                then row_number() over person_orders
        end as confirmed_order_sequence,
        with_person.is_confirmed_order and row_number() over person_orders = 1 as is_first_confirmed_order,
        case
            when with_person.is_confirmed_order
                then {{ dbt.datediff(previous_order_date, 'with_person.order_date', 'day') }}
        end as days_since_previous_confirmed_order
    from with_person
    window person_orders as (
        partition by with_person.person_key, with_person.is_confirmed_order
        order by with_person.order_ts, with_person.order_id
    )
)

select * from final
