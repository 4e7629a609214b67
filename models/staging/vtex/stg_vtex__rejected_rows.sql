{{ config(enabled=adapter_in_use('vtex')) }}
{#- Every row of the VTEX export the adapter does not carry into a contract row, with the rule it
    broke: order lines (vtex.orders) superseded by a later version of the order, without an
    orderId or with an amount that is not whole cents; their items (vtex.orders.items) and
    payments (vtex.orders.payments) with them; items whose price is not whole cents; payments of
    inactive transactions or whose value is not whole cents. Personal data is redacted in
    raw_record. The rows the adapter carries meet the contract's own rules in base_shop. -#}

with

orders as (
    select * from {{ ref('base_vtex__orders') }}
    where rejection_rule is not null
),

items as (
    select * from {{ ref('base_vtex__order_items') }}
    where rejection_rule is not null
),

payments as (
    select * from {{ ref('base_vtex__order_payments') }}
    where rejection_rule is not null
),

rejected_orders as (
    select
        'vtex.orders' as source_table,
        order_key as record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from orders
),

rejected_items as (
    select
        'vtex.orders.items' as source_table,
        order_key || '-' || cast(item_position as {{ dbt.type_string() }}) as record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from items
),

rejected_payments as (
    select
        'vtex.orders.payments' as source_table,
        order_key
        || '-' || cast(transaction_position as {{ dbt.type_string() }})
        || '.' || cast(payment_position as {{ dbt.type_string() }}) as record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from payments
),

final as (
    select * from rejected_orders
    union all
    select * from rejected_items
    union all
    select * from rejected_payments
)

select * from final
