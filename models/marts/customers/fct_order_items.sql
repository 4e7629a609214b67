-- One row per order line, with its order's date, status and person and its product's category,
-- material and collection.
with

order_items as (
    select * from {{ ref('stg_shop__order_items') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

products as (
    select * from {{ ref('stg_shop__products') }}
),

final as (
    select
        -- keys
        order_items.order_item_id,
        order_items.order_id,
        order_items.product_id,
        orders.customer_id,
        orders.person_key,

        -- order context
        orders.order_date,
        orders.status as order_status,
        orders.is_confirmed_order,
        orders.currency,

        -- product
        products.category,
        products.material,
        products.collection,

        -- quantities and amounts
        order_items.quantity,
        order_items.unit_price_local,
        order_items.discount_local,
        order_items.line_net_local,
        order_items.unit_price_usd,
        order_items.discount_usd,
        order_items.line_net_usd
    from order_items
    inner join orders on order_items.order_id = orders.order_id
    inner join products on order_items.product_id = products.product_id
)

select * from final
