{{ config(materialized='table', enabled=adapter_in_use('vtex')) }}
{%- set rules = vtex_order_line_rules() + [
    ('inactive_transaction', 'isActive', 'not is_active_transaction'),
    ('non_integer_value', 'value', "value_rule = 'non_integer_value'"),
    ('non_numeric_value', 'value', "value_rule = 'non_numeric_value'"),
] -%}

{#- Every payment of every transaction of every line of the VTEX order export
    (orders.paymentData.transactions[].payments[]), with the first rule of the adapter it breaks:
    the payments of a rejected order line go with it, a payment of a transaction that is not
    active (an abandoned attempt) is no payment of the order, and a value that is not whole cents
    is quarantined. -#}

with

orders as (
    select * from {{ ref('base_vtex__orders') }}
),

order_transactions as (
    select
        order_key,
        order_id,
        rejection_rule as order_rejection_rule,
        unnest(payment_transactions) as payment_transaction,
        generate_subscripts(payment_transactions, 1) as transaction_position
    from orders
),

transaction_payments as (
    select
        order_key,
        order_id,
        order_rejection_rule,
        transaction_position,
        struct_extract(payment_transaction, 'isActive') as is_active,
        struct_extract(payment_transaction, 'transactionId') as transaction_id,
        unnest(struct_extract(payment_transaction, 'payments')) as payment,
        generate_subscripts(struct_extract(payment_transaction, 'payments'), 1) as payment_position
    from order_transactions
),

renamed as (
    select
        order_key,
        order_id,
        order_rejection_rule,
        transaction_position,
        payment_position,
        is_active,
        struct_extract(payment, 'group') as payment_group,
        struct_extract(payment, 'paymentSystemName') as payment_system_name,
        struct_extract(payment, 'installments') as installments,
        struct_extract(payment, 'value') as value_cents,
        {{ to_json_object([
            ('orderId', 'order_id'),
            ('transactionId', 'transaction_id'),
            ('isActive', 'is_active'),
            ('transaction', 'transaction_position'),
            ('position', 'payment_position'),
            ('id', "struct_extract(payment, 'id')"),
            ('paymentSystem', "struct_extract(payment, 'paymentSystem')"),
            ('paymentSystemName', "struct_extract(payment, 'paymentSystemName')"),
            ('group', "struct_extract(payment, 'group')"),
            ('installments', "struct_extract(payment, 'installments')"),
            ('value', "struct_extract(payment, 'value')"),
            ('referenceValue', "struct_extract(payment, 'referenceValue')"),
            ('dueDate', "struct_extract(payment, 'dueDate')"),
        ]) }} as raw_record
    from transaction_payments
),

parsed as (
    select
        order_key,
        order_id,
        order_rejection_rule,
        transaction_position,
        payment_position,
        coalesce(is_active, true) as is_active_transaction,

        -- the payment group says what the payment system is (every card brand's is creditCard)
        coalesce({{ clean_text('payment_group') }}, {{ clean_text('payment_system_name') }}) as payment_method,
        {{ clean_text('payment_system_name') }} as payment_system_name,
        installments,

        -- amounts: in cents as landed, in currency units, and the rule a bad one breaks
        value_cents,
        {{ vtex_cents_amount('value_cents') }} as amount,
        {{ vtex_cents_rule('value_cents') }} as value_rule,

        raw_record
    from renamed
),

-- each payment with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per payment (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('parsed', rules) }}
),

final as (
    -- the macro's working column is no column of this model (an adapter runs on DuckDB only)
    select * exclude (broken_rule_position) from named
)

select * from final
