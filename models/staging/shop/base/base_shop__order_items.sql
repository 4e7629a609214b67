{%- set rules = [
    ('missing_primary_key', 'order_item_id', 'order_item_id is null'),
    ('duplicate_key_superseded', 'order_item_id', 'version_rank > 1'),
    ('missing_required_value', 'order_id', 'order_id is null'),
    ('missing_required_value', 'product_id', 'product_id is null'),
    ('missing_required_value', 'quantity', is_blank('raw__quantity')),
    ('missing_required_value', 'unit_price', is_blank('raw__unit_price')),
    ('non_integer_value', 'quantity', is_non_integer_number('raw__quantity')),
    ('non_numeric_value', 'quantity', did_not_parse('raw__quantity', 'quantity')),
    ('non_numeric_value', 'unit_price', did_not_parse('raw__unit_price', 'unit_price_local')),
    ('non_numeric_value', 'discount_amount', did_not_parse('raw__discount_amount', 'discount_local')),
    ('invalid_quantity', 'quantity', 'quantity < 1'),
    ('negative_amount', 'unit_price', 'unit_price_local < 0'),
    ('negative_amount', 'discount_amount', 'discount_local < 0'),
    ('unknown_order', 'order_id', 'order_usd_per_unit is null'),
    ('unknown_product', 'product_id', 'not is_known_product'),
] -%}

with

-- every raw row with its rank among the versions of its order item id (1 = the one kept)
source as (
    {{ with_version_rank(contract_source('order_items'), 'order_items', 'order_item_id') }}
),

orders as (
    select
        order_id,
        fx_usd_per_unit
    from {{ ref('base_shop__orders') }}
    where rejection_rule is null
),

products as (
    select product_id from {{ ref('base_shop__products') }}
    where rejection_rule is null
),

parsed as (
    select
        {{ raw_columns_prefixed('order_items') }},
        {{ clean_text('source.order_item_id') }} as order_item_id,
        {{ clean_text('source.order_id') }} as order_id,
        {{ clean_text('source.product_id') }} as product_id,
        {{ parse_integer('source.quantity') }} as quantity,
        {{ dbt.safe_cast(clean_text('source.unit_price'), 'decimal(18, 2)') }} as unit_price_local,
        {{ dbt.safe_cast(clean_text('source.discount_amount'), 'decimal(18, 2)') }} as discount_local,
        source.version_rank
    from source
),

checked as (
    select
        parsed.*,
        orders.fx_usd_per_unit as order_usd_per_unit,
        products.product_id is not null as is_known_product
    from parsed
    left join orders on parsed.order_id = orders.order_id
    left join products on parsed.product_id = products.product_id
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        -- ids
        order_item_id,
        order_id,
        product_id,

        -- quantities and amounts (order currency, and USD at the order's rate)
        quantity,
        unit_price_local,
        coalesce(discount_local, 0) as discount_local,
        cast(quantity * unit_price_local - coalesce(discount_local, 0) as decimal(18, 2)) as line_net_local,
        {{ to_usd('unit_price_local', 'order_usd_per_unit') }} as unit_price_usd,
        {{ to_usd('coalesce(discount_local, 0)', 'order_usd_per_unit') }} as discount_usd,
        {{ to_usd('quantity * unit_price_local - coalesce(discount_local, 0)', 'order_usd_per_unit') }}
            as line_net_usd,

        -- validation
        rejection_rule,
        rejected_column,
        order_item_id as record_key,
        case when rejection_rule is not null then {{ raw_record_json('order_items') }} end as raw_record
    from named
)

select * from final
