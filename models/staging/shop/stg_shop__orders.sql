-- The rows of orders that meet the raw data contract; the others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__orders') }}
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
        is_confirmed_order,
        is_cash_on_delivery,
        is_cash_based_payment,
        is_installment_order,
        has_coupon,
        has_total_mismatch,
        order_ts,
        order_date,
        cod_confirmed_ts,
        updated_at
    from validated
    where rejection_rule is null
)

select * from clean
