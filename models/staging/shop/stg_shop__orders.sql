-- The rows of orders that meet the raw data contract; the others are in audit_rejected_rows.
-- The order's market is its customer's country: its business time zone gives the local
-- order_date that every later model reads (doc block business_timezone).
with

validated as (
    select * from {{ ref('base_shop__orders') }}
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
        customers.country_code,
        countries.country_name,
        {{ business_timezone('customers.country_code', 'countries.timezone') }} as business_timezone
    from validated
    inner join customers on validated.customer_id = customers.customer_id
    left join countries on customers.country_code = countries.country_code
),

clean as (
    select
        order_id,
        customer_id,
        status,
        payment_method,
        installments,
        channel,
        coupon_code,
        loyalty_points_redeemed,
        currency,
        subtotal_local,
        subtotal_usd,
        discount_local,
        discount_usd,
        shipping_local,
        shipping_usd,
        tax_local,
        tax_usd,
        total_local,
        total_usd,
        fx_usd_per_unit,
        fx_rate_month,
        is_fx_rate_estimated,
        country_code,
        country_name,
        business_timezone,
        is_confirmed_order,
        is_cash_on_delivery,
        is_cash_based_payment,
        is_installment_order,
        has_coupon,
        has_total_mismatch,
        order_ts,
        {{ local_date('order_ts', 'business_timezone') }} as order_date,
        cod_confirmed_ts,
        updated_at
    from localized
    where rejection_rule is null
)

select * from clean
