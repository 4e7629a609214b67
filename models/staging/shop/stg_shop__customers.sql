-- The customers that meet the raw data contract (the others are in audit_rejected_rows), with
-- marketing opt-out requests applied: after an opt-out, marketing_opt_in is false. A customer
-- without a sign-up time (an export that has none) signed up with their first order: the only
-- place of the contract's defaults that needs another table. Dates are local, in the business
-- time zone of the customer's country (doc block business_timezone).
with

validated as (
    select * from {{ ref('base_shop__customers') }}
),

privacy_requests as (
    select * from {{ ref('base_shop__privacy_requests') }}
    where rejection_rule is null
),

first_orders as (
    select
        customer_id,
        min(order_ts) as first_order_ts
    from {{ ref('base_shop__orders') }}
    where rejection_rule is null
    group by customer_id
),

countries as (
    select * from {{ ref('countries') }}
),

-- the state-capital rule (DECISIONS.md, issue 21): a city that is the capital of a state of the
-- customer's country is urban, any other city rural; only the flag leaves staging
capital_cities as (
    select distinct
        country_code,
        {{ place_name_key('capital_city') }} as city_key
    from {{ ref('state_capitals') }}
),

-- the countries the seed covers: elsewhere the rule cannot tell a capital from another city
capital_countries as (
    select distinct country_code
    from {{ ref('state_capitals') }}
),

opt_outs as (
    select distinct customer_id
    from privacy_requests
    where request_type = 'marketing_opt_out'
),

clean as (
    select
        -- ids
        validated.customer_id,
        validated.referred_by_customer_id,

        -- personal data: clear values stay in staging; later layers use the hashes
        validated.email,
        validated.phone,
        validated.full_name,
        validated.email_hash,
        validated.phone_hash,

        -- geography
        validated.country_code,
        countries.country_name,
        validated.state_region,
        validated.city,
        {{ business_timezone('validated.country_code', 'countries.timezone') }} as business_timezone,
        case
            when validated.city is null or capital_countries.country_code is null then 'unknown'
            when capital_cities.city_key is not null then 'urban'
            else 'rural'
        end as area_type,

        -- attributes
        validated.acquisition_channel,
        validated.marketing_opt_in and opt_outs.customer_id is null as marketing_opt_in,
        opt_outs.customer_id is not null as has_marketing_opt_out,
        validated.loyalty_joined_ts is not null as is_loyalty_member,
        validated.is_erased,

        -- timestamps
        coalesce(validated.signup_ts, first_orders.first_order_ts) as signup_ts,
        validated.loyalty_joined_ts,
        validated.updated_at,

        -- local dates
        {%- set time_zone = business_timezone('validated.country_code', 'countries.timezone') %}
        {{ local_date('coalesce(validated.signup_ts, first_orders.first_order_ts)', time_zone) }} as signup_date,
        {{ local_date('validated.loyalty_joined_ts', time_zone) }} as loyalty_joined_date
    from validated
    left join opt_outs on validated.customer_id = opt_outs.customer_id
    left join first_orders on validated.customer_id = first_orders.customer_id
    left join countries on validated.country_code = countries.country_code
    left join capital_cities
        on
            validated.country_code = capital_cities.country_code
            and {{ place_name_key('validated.city') }} = capital_cities.city_key
    left join capital_countries on validated.country_code = capital_countries.country_code
    where validated.rejection_rule is null
)

select * from clean
