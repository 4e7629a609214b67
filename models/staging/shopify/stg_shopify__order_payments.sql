-- Shopify transactions as contract order_payments, as text for base_shop__order_payments: the
-- successful sales and captures of orders paid by two or more of them (a gift card and a card, a
-- wallet and Pix). An order paid by one transaction carries its gateway as its own payment method
-- (stg_shopify__orders), as the contract's single-payment orders do. The gateway goes through the
-- value_mappings seed (field payment_method) in base_shop.
{{ config(enabled=adapter_in_use('shopify')) }}
with

-- one row per order id (an export landed in append mode may hold several versions of an order)
orders as (
    select distinct {{ clean_text('id') }} as order_id
    from {{ source('shopify', 'order') }}
    where not coalesce({{ parse_boolean('test') }}, false)
),

payments as (
    select
        {{ clean_text('raw_transactions.order_id') }} as order_id,
        {{ clean_text('raw_transactions.id') }} as transaction_id,
        {{ clean_text('raw_transactions.gateway') }} as payment_method,
        case
            when {{ is_valid_json(clean_text('raw_transactions.receipt')) }}
                then {{ json_extract_text(clean_text('raw_transactions.receipt'), '$.installments') }}
        end as installments,
        {{ clean_text('raw_transactions.amount') }} as amount,
        coalesce(
            {{ clean_text('raw_transactions.processed_at') }}, {{ clean_text('raw_transactions.created_at') }}
        ) as paid_at
    from {{ source('shopify', 'transaction') }} as raw_transactions
    inner join orders on {{ clean_text('raw_transactions.order_id') }} = orders.order_id
    where
        {{ clean_code('raw_transactions.kind') }} in ('sale', 'capture')
        and {{ clean_code('raw_transactions.status') }} = 'success'
),

counted as (
    select
        *,
        count(*) over (partition by order_id) as payment_count,
        row_number() over (
            partition by order_id
            order by paid_at, {{ dbt.safe_cast('transaction_id', 'bigint') }}, transaction_id
        ) as payment_sequence
    from payments
),

final as (
    select
        order_id,
        cast(payment_sequence as varchar) as payment_sequence,
        payment_method,
        installments,
        amount,
        transaction_id
    from counted
    where payment_count >= 2
)

select * from final
