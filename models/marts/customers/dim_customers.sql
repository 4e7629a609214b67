-- One row per customer id (an account or a guest checkout), with the person it belongs to,
-- hashed identity, geography, acquisition, loyalty, consent, erasure status, and lifetime
-- purchase figures of that customer id. No personal data in clear.
with

customers as (
    select * from {{ ref('stg_shop__customers') }}
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

countries as (
    select * from {{ ref('countries') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

customer_orders as (
    select
        customer_id,
        count(*) as lifetime_confirmed_orders,
        sum(net_revenue_usd) as lifetime_net_revenue_usd,
        min(order_ts) as first_confirmed_order_ts,
        max(order_ts) as last_confirmed_order_ts,
        max(order_date) as last_confirmed_order_date
    from orders
    group by customer_id
),

first_orders as (
    select
        customer_id,
        payment_method,
        channel,
        row_number() over (partition by customer_id order by order_ts, order_id) as customer_order_rank
    from orders
),

final as (
    select
        -- keys and identity
        customers.customer_id,
        persons.person_key,
        persons.resolution_rule,
        cast(persons.customer_ids_of_person as {{ dbt.type_int() }}) as customer_ids_of_person,
        customers.email_hash,
        customers.phone_hash,

        -- geography
        customers.country_code,
        countries.country_name,
        countries.region,
        countries.sub_region,
        countries.is_latam,
        customers.state_region,

        -- acquisition
        customers.acquisition_channel,
        -- only a referrer this dimension holds (one whose row was rejected stays in audit)
        referrers.customer_id as referred_by_customer_id,
        customers.referred_by_customer_id is not null as is_referred,
        customers.signup_ts,
        customers.signup_date,

        -- loyalty and consent
        customers.is_loyalty_member,
        customers.loyalty_joined_ts,
        customers.marketing_opt_in,
        customers.has_marketing_opt_out,
        customers.is_erased,

        -- purchases (this customer id's confirmed orders)
        customer_orders.first_confirmed_order_ts,
        customer_orders.last_confirmed_order_ts,
        first_orders.payment_method as first_order_payment_method,
        first_orders.channel as first_order_channel,
        cast(coalesce(customer_orders.lifetime_confirmed_orders, 0) as {{ dbt.type_bigint() }})
            as lifetime_confirmed_orders,
        cast(coalesce(customer_orders.lifetime_net_revenue_usd, 0) as decimal(18, 2)) as lifetime_net_revenue_usd,
        cast(
            {{ dbt.datediff('customer_orders.last_confirmed_order_date', 'data_end.data_end_date', 'day') }}
            as {{ dbt.type_int() }}
        ) as days_since_last_order
    from customers
    inner join persons on customers.customer_id = persons.customer_id
    cross join data_end
    left join countries on customers.country_code = countries.country_code
    left join customers as referrers on customers.referred_by_customer_id = referrers.customer_id
    left join customer_orders on customers.customer_id = customer_orders.customer_id
    left join first_orders
        on
            customers.customer_id = first_orders.customer_id
            and first_orders.customer_order_rank = 1
)

select * from final
