-- One row per person: the attributes several marts place or segment a person by, decided here
-- once (doc block person_home). Home country, state and area type (urban / rural) are those of
-- the home customer id: the customer id of the person's first confirmed order, or, for a person
-- without one, their first customer id by sign-up. Acquisition channel is the first customer id's (how the person first
-- came); a person is a loyalty member when any of their customer ids joined the programme.
with

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

customers as (
    select * from {{ ref('stg_shop__customers') }}
),

first_orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_first_confirmed_order
),

countries as (
    select * from {{ ref('countries') }}
),

first_customer_ids as (
    select
        person_key,
        customer_id
    from persons
    where is_first_customer_id_of_person
),

loyalty as (
    select
        persons.person_key,
        max(case when customers.is_loyalty_member then 1 else 0 end) = 1 as is_loyalty_member
    from persons
    inner join customers on persons.customer_id = customers.customer_id
    group by persons.person_key
),

homes as (
    select
        first_customer_ids.person_key,
        first_customer_ids.customer_id as first_customer_id,
        coalesce(first_orders.customer_id, first_customer_ids.customer_id) as home_customer_id,
        case
            when first_orders.order_id is not null then 'first_confirmed_order'
            else 'first_signup'
        end as home_rule,
        first_orders.order_id as first_order_id,
        first_orders.order_ts as first_order_ts,
        first_orders.order_date as first_order_date
    from first_customer_ids
    left join first_orders on first_customer_ids.person_key = first_orders.person_key
),

final as (
    select
        homes.person_key,
        homes.home_customer_id,
        homes.home_rule,
        home_customers.country_code,
        countries.country_name,
        coalesce(countries.sub_region, 'unknown') as sub_region,
        coalesce(home_customers.state_region, 'unknown') as state_region,
        home_customers.area_type,
        coalesce(first_customers.acquisition_channel, 'unknown') as acquisition_channel,
        coalesce(loyalty.is_loyalty_member, false) as is_loyalty_member,
        homes.first_order_id,
        homes.first_order_ts,
        homes.first_order_date
    from homes
    inner join customers as home_customers on homes.home_customer_id = home_customers.customer_id
    inner join customers as first_customers on homes.first_customer_id = first_customers.customer_id
    left join countries on home_customers.country_code = countries.country_code
    left join loyalty on homes.person_key = loyalty.person_key
)

select * from final
