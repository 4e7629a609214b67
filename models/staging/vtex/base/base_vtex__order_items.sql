{{ config(materialized='table', enabled=adapter_in_use('vtex')) }}
{%- set rules = vtex_order_line_rules() + [
    ('non_integer_value', 'price', "price_rule = 'non_integer_value'"),
    ('non_numeric_value', 'price', "price_rule = 'non_numeric_value'"),
    ('non_integer_value', 'sellingPrice', "selling_price_rule = 'non_integer_value'"),
    ('non_numeric_value', 'sellingPrice', "selling_price_rule = 'non_numeric_value'"),
] -%}

{#- Every item of every line of the VTEX order export (orders.items), with its position in the
    order and the first rule of the adapter it breaks: the items of a rejected order line (an
    older version of the order, one without an orderId, ...) go with it, and a price that is not
    whole cents is quarantined. -#}

with

orders as (
    select * from {{ ref('base_vtex__orders') }}
),

unnested as (
    select
        order_key,
        order_id,
        order_ts,
        last_change_ts,
        rejection_rule as order_rejection_rule,
        unnest(items) as item,
        generate_subscripts(items, 1) as item_position
    from orders
),

order_sellers as (
    select
        order_key,
        unnest(sellers) as seller
    from orders
),

seller_names as (
    select
        order_key,
        struct_extract(seller, 'id') as seller_id,
        min(struct_extract(seller, 'name')) as seller_name
    from order_sellers
    group by order_key, struct_extract(seller, 'id')
),

renamed as (
    select
        order_key,
        order_id,
        item_position,
        order_ts,
        last_change_ts,
        order_rejection_rule,
        struct_extract(item, 'productId') as product_id,
        struct_extract(item, 'id') as sku_id,
        struct_extract(item, 'refId') as ref_id,
        struct_extract(item, 'seller') as seller_id,
        struct_extract(item, 'name') as product_name,
        struct_extract(item, 'quantity') as quantity,
        struct_extract(item, 'price') as price_cents,
        struct_extract(item, 'sellingPrice') as selling_price_cents,
        struct_extract(struct_extract(item, 'additionalInfo'), 'categoriesIds') as categories_ids,
        struct_extract(struct_extract(item, 'additionalInfo'), 'categories') as categories,
        {{ to_json_object([
            ('orderId', 'order_id'),
            ('position', 'item_position'),
            ('uniqueId', "struct_extract(item, 'uniqueId')"),
            ('id', "struct_extract(item, 'id')"),
            ('productId', "struct_extract(item, 'productId')"),
            ('refId', "struct_extract(item, 'refId')"),
            ('name', "struct_extract(item, 'name')"),
            ('quantity', "struct_extract(item, 'quantity')"),
            ('seller', "struct_extract(item, 'seller')"),
            ('price', "struct_extract(item, 'price')"),
            ('listPrice', "struct_extract(item, 'listPrice')"),
            ('sellingPrice', "struct_extract(item, 'sellingPrice')"),
            ('categoriesIds', "struct_extract(struct_extract(item, 'additionalInfo'), 'categoriesIds')"),
        ]) }} as raw_record
    from unnested
),

parsed as (
    select
        renamed.order_key,
        renamed.order_id,
        renamed.item_position,
        renamed.order_ts,
        renamed.last_change_ts,
        renamed.order_rejection_rule,

        -- ids
        {{ clean_text('renamed.product_id') }} as product_id,
        {{ clean_text('renamed.sku_id') }} as sku_id,
        {{ clean_text('renamed.ref_id') }} as ref_id,
        {{ clean_text('renamed.seller_id') }} as seller_id,
        seller_names.seller_name,

        -- attributes
        {{ clean_text('renamed.product_name') }} as product_name,
        renamed.quantity,
        {{ parse_integer('renamed.quantity') }} as quantity_units,
        renamed.categories_ids,
        renamed.categories,

        -- unit prices: in currency units, and the rule a price that is not whole cents breaks
        {{ vtex_cents_amount('renamed.price_cents') }} as unit_price,
        {{ vtex_cents_amount('renamed.selling_price_cents') }} as selling_price,
        {{ vtex_cents_rule('renamed.price_cents') }} as price_rule,
        {{ vtex_cents_rule('renamed.selling_price_cents') }} as selling_price_rule,

        renamed.raw_record
    from renamed
    left join seller_names
        on
            renamed.order_key = seller_names.order_key
            and renamed.seller_id = seller_names.seller_id
),

-- each item with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per item (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('parsed', rules) }}
),

final as (
    -- the macro's working column is no column of this model (an adapter runs on DuckDB only)
    select * exclude (broken_rule_position) from named
)

select * from final
