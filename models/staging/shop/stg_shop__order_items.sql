-- The rows of order_items that meet the raw data contract; the others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__order_items') }}
),

clean as (
    select
        order_item_id,
        order_id,
        product_id,
        quantity,
        unit_price_local,
        discount_local,
        line_net_local,
        unit_price_usd,
        discount_usd,
        line_net_usd
    from validated
    where rejection_rule is null
)

select * from clean
