-- The rows of events that meet the raw data contract; the others are in audit_rejected_rows.
-- event_date is local: in the business time zone of the customer's country, or for an anonymous
-- visitor of the event's own (geo) country (doc block business_timezone).
with

validated as (
    select * from {{ ref('base_shop__events') }}
),

customers as (
    select
        customer_id,
        country_code
    from {{ ref('base_shop__customers') }}
    where rejection_rule is null
),

countries as (
    select * from {{ ref('countries') }}
),

localized as (
    select
        validated.*,
        {{ business_timezone('coalesce(customers.country_code, validated.country_code)', 'countries.timezone') }}
            as business_timezone
    from validated
    left join customers on validated.customer_id = customers.customer_id
    left join countries on coalesce(customers.country_code, validated.country_code) = countries.country_code
),

clean as (
    select
        event_id,
        customer_id,
        anonymous_id,
        product_id,
        event_type,
        platform,
        country_code,
        page_path,
        utm_source,
        utm_medium,
        utm_campaign,
        properties,
        loyalty_points,
        is_anonymous_event,
        event_ts,
        {{ local_date('event_ts', 'business_timezone') }} as event_date,
        loaded_at
    from localized
    where rejection_rule is null
)

select * from clean
