-- Shopify orders as contract orders (models/staging/shop/_shop__sources.yml, table orders), as
-- text that base_shop__orders parses and validates like a CSV export. Refunds, fulfillments,
-- transactions, note attributes and discount codes are folded into their order (the mapping
-- and what Shopify cannot say: meta.adapter of _shopify__sources.yml).
{{ config(enabled=adapter_in_use('shopify')) }}
with

orders as (
    select * from {{ source('shopify', 'order') }}
    where not coalesce({{ parse_boolean('test') }}, false)
),

note_attributes as (
    select
        {{ clean_text('order_id') }} as order_id,
        max(case when {{ clean_code('name') }} = 'installments' then {{ clean_text('value') }} end) as installments,
        max(case when {{ clean_code('name') }} = 'loyalty_points_redeemed' then {{ clean_text('value') }} end)
            as loyalty_points_redeemed
    from {{ source('shopify', 'order_note_attribute') }}
    group by {{ clean_text('order_id') }}
),

ranked_discount_codes as (
    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('code') }} as code,
        row_number() over (
            partition by {{ clean_text('order_id') }}
            order by {{ parse_integer('index') }}, {{ clean_text('code') }}
        ) as code_rank
    from {{ source('shopify', 'order_discount_code') }}
),

payment_mappings as (
    select
        source_value,
        canonical_value
    from {{ ref('value_mappings') }}
    where field = 'payment_method'
),

transactions as (
    select
        {{ clean_text('raw_transactions.order_id') }} as order_id,
        {{ clean_text('raw_transactions.id') }} as transaction_id,
        {{ clean_code('raw_transactions.kind') }} as kind,
        {{ clean_code('raw_transactions.status') }} as status,
        {{ clean_text('raw_transactions.gateway') }} as gateway,
        coalesce(payment_mappings.canonical_value, {{ clean_code('raw_transactions.gateway') }}) as payment_method,
        {{ clean_text('raw_transactions.processed_at') }} as processed_at,
        coalesce(
            {{ clean_text('raw_transactions.processed_at') }}, {{ clean_text('raw_transactions.created_at') }}
        ) as happened_at
    from {{ source('shopify', 'transaction') }} as raw_transactions
    left join payment_mappings on {{ clean_code('raw_transactions.gateway') }} = payment_mappings.source_value
),

-- the order's own payment method: its first sale or authorisation, whatever came of it (an unpaid
-- boleto is a pending sale)
first_payment_attempts as (
    select
        order_id,
        gateway,
        row_number() over (
            partition by order_id
            order by happened_at, {{ dbt.safe_cast('transaction_id', 'bigint') }}, transaction_id
        ) as attempt_rank
    from transactions
    where kind in ('sale', 'authorization')
),

successful_payments as (
    select
        order_id,
        count(*) as payment_count,
        max(case when payment_method = 'cash_on_delivery' then processed_at end) as cod_confirmed_at
    from transactions
    where
        kind in ('sale', 'capture')
        and status = 'success'
    group by order_id
),

refunds as (
    select
        {{ clean_text('id') }} as refund_id,
        {{ clean_text('order_id') }} as order_id
    from {{ source('shopify', 'refund') }}
),

refunded_orders as (
    select
        refunds.order_id,
        max(case when {{ clean_code('refund_lines.restock_type') }} = 'return' then 1 else 0 end) = 1 as has_return,
        sum(coalesce({{ dbt.safe_cast(clean_text('refund_lines.subtotal'), 'decimal(18, 2)') }}, 0))
            as refunded_subtotal,
        sum(coalesce({{ dbt.safe_cast(clean_text('refund_lines.total_tax'), 'decimal(18, 2)') }}, 0)) as refunded_tax
    from {{ source('shopify', 'order_line_refund') }} as refund_lines
    inner join refunds on {{ clean_text('refund_lines.refund_id') }} = refunds.refund_id
    group by refunds.order_id
),

delivered_orders as (
    select distinct {{ clean_text('order_id') }} as order_id
    from {{ source('shopify', 'fulfillment') }}
    where {{ clean_code('shipment_status') }} = 'delivered'
),

prepared as (
    select
        {{ clean_text('orders.id') }} as order_id,
        {{ clean_text('orders.customer_id') }} as shop_customer_id,
        {{ clean_code('orders.financial_status') }} as financial_status_code,
        {{ clean_code('orders.fulfillment_status') }} as fulfillment_status_code,
        {{ clean_text('orders.cancelled_at') }} is not null as is_cancelled,
        coalesce(refunded_orders.has_return, false) as has_return,
        delivered_orders.order_id is not null as is_delivered,
        {{ clean_code('orders.source_name') }} = 'pos' as is_point_of_sale,
        {{ clean_code('orders.financial_status') }} = 'partially_refunded'
        and refunded_orders.order_id is not null as is_partially_refunded,
        coalesce(refunded_orders.refunded_subtotal, 0) as refunded_subtotal,
        coalesce(refunded_orders.refunded_tax, 0) as refunded_tax,
        orders.*,
        first_payment_attempts.gateway as first_gateway,
        successful_payments.cod_confirmed_at,
        note_attributes.installments as installments_attribute,
        note_attributes.loyalty_points_redeemed as loyalty_points_attribute,
        ranked_discount_codes.code as coupon
    from orders
    left join refunded_orders on {{ clean_text('orders.id') }} = refunded_orders.order_id
    left join delivered_orders on {{ clean_text('orders.id') }} = delivered_orders.order_id
    left join first_payment_attempts
        on
            {{ clean_text('orders.id') }} = first_payment_attempts.order_id
            and first_payment_attempts.attempt_rank = 1
    left join successful_payments on {{ clean_text('orders.id') }} = successful_payments.order_id
    left join note_attributes on {{ clean_text('orders.id') }} = note_attributes.order_id
    left join ranked_discount_codes
        on
            {{ clean_text('orders.id') }} = ranked_discount_codes.order_id
            and ranked_discount_codes.code_rank = 1
),

final as (
    select
        -- ids
        order_id,
        coalesce(shop_customer_id, 'guest-' || order_id) as customer_id,

        -- when
        coalesce({{ clean_text('processed_at') }}, {{ clean_text('created_at') }}) as order_ts,

        -- status: the vendor's value, mapped by the value_mappings seed (field order_status)
        case
            when is_cancelled then 'cancelled'
            when financial_status_code = 'refunded' and has_return then 'returned'
            when financial_status_code = 'refunded' then 'refunded'
            -- carrier tracking says delivered, or a point-of-sale order handed over at the counter
            when is_delivered or (is_point_of_sale and fulfillment_status_code = 'fulfilled') then 'delivered'
            else coalesce(fulfillment_status_code, financial_status_code)
        end as status,

        -- payment
        coalesce(first_gateway, 'unknown') as payment_method,
        coalesce(installments_attribute, '1') as installments,
        {{ clean_text('currency') }} as currency,

        -- amounts in the shop currency; a partial refund takes its lines off
        case
            when is_partially_refunded
                then
                    cast(
                        {{ dbt.safe_cast(clean_text('total_line_items_price'), 'decimal(18, 2)') }}
                        - refunded_subtotal as varchar
                    )
            else {{ clean_text('total_line_items_price') }}
        end as subtotal,
        {{ clean_text('total_discounts') }} as discount_amount,
        -- a malformed JSON text is passed on as it is, and base_shop rejects it (non_numeric_value)
        case
            when {{ is_valid_json(clean_text('total_shipping_price_set')) }}
                then {{ json_extract_text(clean_text('total_shipping_price_set'), '$.shop_money.amount') }}
            else {{ clean_text('total_shipping_price_set') }}
        end as shipping_amount,
        case
            when is_partially_refunded
                then
                    cast(
                        coalesce({{ dbt.safe_cast(clean_text('total_tax'), 'decimal(18, 2)') }}, 0)
                        - refunded_tax as varchar
                    )
            else {{ clean_text('total_tax') }}
        end as tax_amount,
        case
            when is_partially_refunded
                then cast(
                    {{ dbt.safe_cast(clean_text('total_price'), 'decimal(18, 2)') }}
                    - refunded_subtotal
                    - refunded_tax as varchar
                )
            else {{ clean_text('total_price') }}
        end as total_amount,

        -- attributes
        {{ clean_text('source_name') }} as channel,
        coupon as coupon_code,
        loyalty_points_attribute as loyalty_points_redeemed,
        cod_confirmed_at as cod_confirmed_ts,
        {{ clean_text('updated_at') }} as updated_at
    from prepared
)

select * from final
