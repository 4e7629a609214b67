-- Orders with their person, net revenue and place in the person's purchase history. Order
-- sequence and days since the previous order count confirmed orders of the person (all of their
-- customer ids), since cohorts and retention count people.
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

confirmed_sequence as (
    select
        order_id,
        row_number() over (partition by person_key order by order_ts, order_id) as confirmed_order_sequence,
        lag(order_date) over (partition by person_key order by order_ts, order_id) as previous_confirmed_order_date
    from with_person
    where is_confirmed_order
),

final as (
    select
        with_person.*,
        confirmed_sequence.confirmed_order_sequence,
        coalesce(confirmed_sequence.confirmed_order_sequence = 1, false) as is_first_confirmed_order,
        {{ dbt.datediff('confirmed_sequence.previous_confirmed_order_date', 'with_person.order_date', 'day') }}
            as days_since_previous_confirmed_order
    from with_person
    left join confirmed_sequence on with_person.order_id = confirmed_sequence.order_id
)

select * from final
