-- The rows of feedback that meet the raw data contract; the others are in audit_rejected_rows.
-- submitted_date is local, in the business time zone of the customer's country.
with

validated as (
    select * from {{ ref('base_shop__feedback') }}
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
        {{ business_timezone('customers.country_code', 'countries.timezone') }} as business_timezone
    from validated
    left join customers on validated.customer_id = customers.customer_id
    left join countries on customers.country_code = countries.country_code
),

clean as (
    select
        feedback_id,
        customer_id,
        order_id,
        survey_type,
        score,
        comment,
        channel,
        language,
        submitted_ts,
        {{ local_date('submitted_ts', 'business_timezone') }} as submitted_date
    from localized
    where rejection_rule is null
)

select * from clean
