-- Shopify products as contract products, as text for base_shop__products: the first variant's
-- sku, the product type as category, material / collection / USD list price from product tags
-- (Shopify's prices are in the shop currency). Products deleted since an order was placed get a
-- row from their order lines (category unknown), so that those lines are kept.
{{ config(enabled=adapter_in_use('shopify')) }}
with

products as (
    select * from {{ source('shopify', 'product') }}
),

ranked_variants as (
    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('sku') }} as sku,
        row_number() over (
            partition by {{ clean_text('product_id') }}
            order by {{ parse_integer('position') }}, {{ clean_text('id') }}
        ) as variant_rank
    from {{ source('shopify', 'product_variant') }}
),

tags as (
    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('value') }} as tag,
        lower({{ clean_text('value') }}) as tag_lower
    from {{ source('shopify', 'product_tag') }}
),

product_tags as (
    select
        product_id,
        max(case when tag_lower like 'material:%' then trim(substr(tag, 10)) end) as material,
        max(case when tag_lower like 'collection:%' then trim(substr(tag, 12)) end) as collection,
        max(case when tag_lower like 'list_price_usd:%' then trim(substr(tag, 16)) end) as list_price_usd
    from tags
    group by product_id
),

catalogue as (
    select
        {{ clean_text('products.id') }} as product_id,
        ranked_variants.sku,
        {{ clean_text('products.title') }} as product_name,
        {{ clean_text('products.product_type') }} as category,
        product_tags.material,
        product_tags.collection,
        product_tags.list_price_usd,
        coalesce({{ clean_text('products.published_at') }}, {{ clean_text('products.created_at') }}) as launched_at
    from products
    left join ranked_variants
        on
            {{ clean_text('products.id') }} = ranked_variants.product_id
            and ranked_variants.variant_rank = 1
    left join product_tags on {{ clean_text('products.id') }} = product_tags.product_id
),

deleted_product_lines as (
    select
        {{ shopify_line_product_id('order_lines') }} as product_id,
        {{ clean_text('order_lines.sku') }} as sku,
        {{ clean_text('order_lines.title') }} as product_name,
        row_number() over (
            partition by {{ shopify_line_product_id('order_lines') }}
            order by {{ clean_text('order_lines.id') }} desc
        ) as line_rank
    from {{ source('shopify', 'order_line') }} as order_lines
    where {{ clean_text('order_lines.product_id') }} is null
),

deleted_products as (
    select
        product_id,
        sku,
        product_name,
        'unknown' as category,
        cast(null as varchar) as material,
        cast(null as varchar) as collection,
        cast(null as varchar) as list_price_usd,
        cast(null as varchar) as launched_at
    from deleted_product_lines
    where line_rank = 1
),

final as (
    select * from catalogue
    union all
    select * from deleted_products
)

select * from final
