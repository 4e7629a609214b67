-- The rows of products that meet the raw data contract; the others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__products') }}
),

clean as (
    select
        product_id,
        sku,
        product_name,
        category,
        material,
        collection,
        list_price_usd,
        launched_at
    from validated
    where rejection_rule is null
)

select * from clean
