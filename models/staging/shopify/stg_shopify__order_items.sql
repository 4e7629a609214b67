-- Shopify order lines as contract order_items, as text for base_shop__order_items. A partial
-- refund takes its refunded units off the line (a line refunded in full is folded into the
-- refund, not carried); a full refund leaves the lines as sold (the order's status says it).
-- A line whose product was deleted keeps a product id of its own (stg_shopify__products).
{{ config(enabled=adapter_in_use('shopify')) }}
with

orders as (
    select
        {{ clean_text('id') }} as order_id,
        {{ clean_code('financial_status') }} = 'partially_refunded' as is_partially_refunded,
        coalesce({{ parse_boolean('test') }}, false) as is_test
    from {{ source('shopify', 'order') }}
),

refunds as (
    select {{ clean_text('id') }} as refund_id
    from {{ source('shopify', 'refund') }}
),

refunded_lines as (
    select
        {{ clean_text('refund_lines.order_line_id') }} as order_line_id,
        sum(coalesce({{ parse_integer('refund_lines.quantity') }}, 0)) as refunded_quantity
    from {{ source('shopify', 'order_line_refund') }} as refund_lines
    inner join refunds on {{ clean_text('refund_lines.refund_id') }} = refunds.refund_id
    group by {{ clean_text('refund_lines.order_line_id') }}
),

parsed_lines as (
    select
        {{ clean_text('order_lines.id') }} as order_item_id,
        {{ clean_text('order_lines.order_id') }} as order_id,
        {{ shopify_line_product_id('order_lines') }} as product_id,
        {{ clean_text('order_lines.quantity') }} as quantity_text,
        {{ parse_integer('order_lines.quantity') }} as quantity,
        {{ clean_text('order_lines.price') }} as unit_price,
        {{ clean_text('order_lines.total_discount') }} as discount_text,
        case
            when coalesce(orders.is_partially_refunded, false) then coalesce(refunded_lines.refunded_quantity, 0) else 0
        end
            as refunded_quantity
    from {{ source('shopify', 'order_line') }} as order_lines
    -- a line of no order is carried, and base_shop__order_items rejects it (unknown_order)
    left join orders on {{ clean_text('order_lines.order_id') }} = orders.order_id
    left join refunded_lines on {{ clean_text('order_lines.id') }} = refunded_lines.order_line_id
    where not coalesce(orders.is_test, false)
),

final as (
    select
        order_item_id,
        order_id,
        product_id,
        case
            when refunded_quantity > 0 then cast(quantity - refunded_quantity as varchar)
            else quantity_text
        end as quantity,
        unit_price,
        case
            when refunded_quantity > 0
                then cast(
                    round(
                        {{ dbt.safe_cast('discount_text', 'decimal(18, 2)') }}
                        * (quantity - refunded_quantity)
                        / quantity,
                        2
                    ) as varchar
                )
            else discount_text
        end as discount_amount
    from parsed_lines
    -- every unit refunded: folded into the refund
    where
        refunded_quantity = 0
        or quantity is null
        or quantity > refunded_quantity
)

select * from final
