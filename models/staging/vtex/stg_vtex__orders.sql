{{ config(enabled=adapter_in_use('vtex')) }}
{#- VTEX orders in the contract's orders columns (raw_contract_columns('orders')), the latest
    version of each, for base_shop__orders to validate like any raw order. The payments are
    stg_vtex__order_payments' rows, so payment_method and installments are left empty here. -#}

with

orders as (
    select * from {{ ref('base_vtex__orders') }}
    where rejection_rule is null
),

final as (
    select
        -- ids
        order_id,
        customer_id,

        -- timestamps and attributes
        creation_date as order_ts,
        status,
        cast(null as {{ dbt.type_string() }}) as payment_method,
        cast(null as {{ dbt.type_int() }}) as installments,
        currency,

        -- amounts: cents / 100; VTEX writes the discounts as a negative total
        items_amount as subtotal,
        -discounts_amount as discount_amount,
        shipping_amount,
        tax_amount,
        total_amount,

        case when is_from_marketplace then 'marketplace' else 'web' end as channel,
        coupon_code,
        cast(null as {{ dbt.type_int() }}) as loyalty_points_redeemed,
        cast(null as {{ dbt.type_string() }}) as cod_confirmed_ts,
        last_change as updated_at,

        -- VTEX's own, not carried past staging
        sales_channel
    from orders
)

select * from final
