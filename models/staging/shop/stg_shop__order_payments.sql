-- The payments of orders that meet the raw data contract; the others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__order_payments') }}
),

clean as (
    select
        order_id,
        payment_sequence,
        payment_method,
        installments,
        amount_local
    from validated
    where rejection_rule is null
)

select * from clean
