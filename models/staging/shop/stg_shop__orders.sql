-- The rows of orders that meet the raw data contract; the others are in audit_rejected_rows.
-- An order with rows in the optional order_payments table takes its payment method (the one that
-- paid most, the first on a tie), instalments (the most of any payment) and payment mix from
-- them; an order whose every payment row was rejected and that names no method of its own has
-- payment method unknown. The order's market is its customer's country: its business time zone
-- gives the local order_date that every later model reads (doc block business_timezone).
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

payments as (
    select * from {{ ref('stg_shop__order_payments') }}
),

payment_methods as (
    select * from {{ ref('payment_methods') }}
),

ranked_payments as (
    select
        order_id,
        payment_method,
        installments,
        row_number() over (
            partition by order_id
            order by amount_local desc, payment_sequence asc
        ) as amount_rank
    from payments
),

payment_totals as (
    select
        order_id,
        count(*) as payment_count,
        max(installments) as max_installments
    from payments
    group by order_id
),

order_payment_methods as (
    select distinct
        order_id,
        payment_method
    from payments
),

payment_mixes as (
    select
        order_id,
        {{ dbt.listagg('payment_method', "'+'", 'order by payment_method') }} as payment_mix
    from order_payment_methods
    group by order_id
),

paid as (
    select
        localized.*,
        coalesce(ranked_payments.payment_method, localized.payment_method, 'unknown') as paid_with_method,
        coalesce(payment_totals.max_installments, localized.installments, 1) as paid_in_installments,
        coalesce(payment_totals.payment_count, 0) as payment_count,
        coalesce(payment_mixes.payment_mix, ranked_payments.payment_method, localized.payment_method, 'unknown')
            as payment_mix
    from localized
    left join ranked_payments
        on
            localized.order_id = ranked_payments.order_id
            and ranked_payments.amount_rank = 1
    left join payment_totals on localized.order_id = payment_totals.order_id
    left join payment_mixes on localized.order_id = payment_mixes.order_id
),

clean as (
    select
        paid.order_id,
        paid.customer_id,
        paid.status,
        paid.paid_with_method as payment_method,
        paid.paid_in_installments as installments,
        paid.payment_count,
        paid.payment_mix,
        paid.channel,
        paid.coupon_code,
        paid.loyalty_points_redeemed,
        paid.currency,
        paid.subtotal_local,
        paid.subtotal_usd,
        paid.discount_local,
        paid.discount_usd,
        paid.shipping_local,
        paid.shipping_usd,
        paid.tax_local,
        paid.tax_usd,
        paid.total_local,
        paid.total_usd,
        paid.fx_usd_per_unit,
        paid.fx_rate_month,
        paid.is_fx_rate_estimated,
        paid.country_code,
        paid.country_name,
        paid.business_timezone,
        paid.is_confirmed_order,
        paid.paid_with_method = 'cash_on_delivery' as is_cash_on_delivery,
        coalesce(payment_methods.is_cash_based, false) as is_cash_based_payment,
        paid.paid_in_installments > 1 as is_installment_order,
        paid.has_coupon,
        paid.has_total_mismatch,
        paid.order_ts,
        {{ local_date('paid.order_ts', 'paid.business_timezone') }} as order_date,
        paid.cod_confirmed_ts,
        paid.updated_at
    from paid
    left join payment_methods on paid.paid_with_method = payment_methods.payment_method
    where paid.rejection_rule is null
)

select * from clean
