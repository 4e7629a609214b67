{{ config(enabled=adapter_in_use('vtex')) }}
{#- The payments of the VTEX orders (paymentData.transactions[].payments[] of each order's
    latest version, active transactions only) in the contract's order_payments columns. -#}

with

payments as (
    select * from {{ ref('base_vtex__order_payments') }}
    where rejection_rule is null
),

final as (
    select
        order_id,
        row_number() over (
            partition by order_id
            order by transaction_position, payment_position
        ) as payment_sequence,
        payment_method,
        installments,
        amount,

        -- VTEX's own, not carried past staging
        payment_system_name
    from payments
)

select * from final
