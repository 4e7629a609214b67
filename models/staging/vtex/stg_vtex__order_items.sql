{{ config(enabled=adapter_in_use('vtex')) }}
{#- The items of the VTEX orders (items[] of each order's latest version) in the contract's
    order_items columns. The line's discount is what the promotions took off its price:
    (price - sellingPrice) x quantity. -#}

with

items as (
    select * from {{ ref('base_vtex__order_items') }}
    where rejection_rule is null
),

final as (
    select
        -- ids
        order_id || '-' || cast(item_position as {{ dbt.type_string() }}) as order_item_id,
        order_id,
        product_id,

        -- quantity as landed (base_shop rejects a quantity that is no whole number)
        quantity,

        -- amounts: cents / 100
        unit_price,
        (unit_price - selling_price) * quantity_units as discount_amount,

        -- VTEX's own, not carried past staging
        sku_id,
        ref_id,
        seller_id,
        seller_name
    from items
)

select * from final
