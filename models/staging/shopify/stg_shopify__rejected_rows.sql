-- Every Shopify row the adapter carries into no contract row and folds into none, with why: test
-- orders and everything of theirs (test_order), and rows whose parent is not in the export
-- (orphan_<table>). audit_rejected_rows shows them beside the contract's own rejections. Rows
-- carried into contract rows that base_shop then rejects are there under base_shop's rules.
{{ config(enabled=adapter_in_use('shopify')) }}
with

orders as (
    select
        {{ clean_text('id') }} as order_id,
        coalesce({{ parse_boolean('test') }}, false) as is_test
    from {{ source('shopify', 'order') }}
),

customer_ids as (
    select distinct {{ clean_text('id') }} as customer_id
    from {{ source('shopify', 'customer') }}
),

-- an erased customer's id is kept only as its pseudonymous token, as in base_shop's rejected rows
erased_customers as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

product_ids as (
    select distinct {{ clean_text('id') }} as product_id
    from {{ source('shopify', 'product') }}
),

refunds as (
    select
        {{ clean_text('vendor_row.id') }} as refund_id,
        case
            when orders.order_id is null then 'orphan_refund'
            when orders.is_test then 'test_order'
        end as rejection_rule
    from {{ source('shopify', 'refund') }} as vendor_row
    left join orders on {{ clean_text('vendor_row.order_id') }} = orders.order_id
),

{%- set customer_token = pseudonymous_customer_id(
    clean_text('vendor_row.customer_id'), 'erased_customers.customer_id is not null'
) %}

{#- (table, rule when its order is not in the export, record key); an order line of no order is
    carried, and base_shop__order_items rejects it (unknown_order) -#}
{%- set order_children = [
    ('order_line', none, clean_text('vendor_row.id')),
    ('transaction', 'orphan_transaction', clean_text('vendor_row.id')),
    ('refund', 'orphan_refund', clean_text('vendor_row.id')),
    ('fulfillment', 'orphan_fulfillment', clean_text('vendor_row.id')),
    ('order_note_attribute', 'orphan_note_attribute',
        clean_text('vendor_row.order_id') ~ " || ':' || " ~ clean_text('vendor_row.name')),
    ('order_discount_code', 'orphan_discount_code',
        clean_text('vendor_row.order_id') ~ " || ':' || " ~ clean_text('vendor_row.code')),
] %}

rejected as (
    select
        'shopify.order' as source_table,
        {{ clean_text('vendor_row.id') }} as record_key,
        'test_order' as rejection_rule,
        'test' as rejected_column,
        {{ shopify_raw_record_json('order', 'vendor_row', {'customer_id': customer_token}) }} as raw_record
    from {{ source('shopify', 'order') }} as vendor_row
    left join erased_customers on {{ clean_text('vendor_row.customer_id') }} = erased_customers.customer_id
    where coalesce({{ parse_boolean('vendor_row.test') }}, false)
    {%- for table_name, orphan_rule, key in order_children %}

        union all

        select
            'shopify.{{ table_name }}' as source_table,
            {{ key }} as record_key,
            {% if orphan_rule -%}
                case when orders.order_id is null then '{{ orphan_rule }}' else 'test_order' end
            {%- else -%}
                'test_order'
            {%- endif %} as rejection_rule,
            'order_id' as rejected_column,
            {{ shopify_raw_record_json(table_name, 'vendor_row') }} as raw_record
        from {{ source('shopify', table_name) }} as vendor_row
        left join orders on {{ clean_text('vendor_row.order_id') }} = orders.order_id
        where
            {% if orphan_rule %}orders.order_id is null or {% endif %}coalesce(orders.is_test, false)
    {%- endfor %}

    union all

    select
        'shopify.order_line_refund' as source_table,
        {{ clean_text('vendor_row.id') }} as record_key,
        coalesce(refunds.rejection_rule, 'orphan_refund') as rejection_rule,
        'refund_id' as rejected_column,
        {{ shopify_raw_record_json('order_line_refund', 'vendor_row') }} as raw_record
    from {{ source('shopify', 'order_line_refund') }} as vendor_row
    left join refunds on {{ clean_text('vendor_row.refund_id') }} = refunds.refund_id
    where
        refunds.refund_id is null
        or refunds.rejection_rule is not null
    {%- for table_name, orphan_rule in [
        ('customer_address', 'orphan_customer_address'),
        ('customer_tag', 'orphan_customer_tag'),
    ] %}

        union all

        select
            'shopify.{{ table_name }}' as source_table,
        {{ clean_text('vendor_row.id') if table_name == 'customer_address'
            else customer_token ~ " || ':' || " ~ clean_text('vendor_row.value') }} as record_key,
            '{{ orphan_rule }}' as rejection_rule,
            'customer_id' as rejected_column,
            {{ shopify_raw_record_json(table_name, 'vendor_row', {'customer_id': customer_token}) }} as raw_record
        from {{ source('shopify', table_name) }} as vendor_row
        left join customer_ids on {{ clean_text('vendor_row.customer_id') }} = customer_ids.customer_id
        left join erased_customers on {{ clean_text('vendor_row.customer_id') }} = erased_customers.customer_id
        where customer_ids.customer_id is null
    {%- endfor %}
    {%- for table_name, orphan_rule in [
        ('product_variant', 'orphan_product_variant'),
        ('product_tag', 'orphan_product_tag'),
    ] %}

        union all

        select
            'shopify.{{ table_name }}' as source_table,
        {{ clean_text('vendor_row.id') if table_name == 'product_variant'
            else clean_text('vendor_row.product_id') ~ " || ':' || " ~ clean_text('vendor_row.value') }} as record_key,
            '{{ orphan_rule }}' as rejection_rule,
            'product_id' as rejected_column,
            {{ shopify_raw_record_json(table_name, 'vendor_row') }} as raw_record
        from {{ source('shopify', table_name) }} as vendor_row
        left join product_ids on {{ clean_text('vendor_row.product_id') }} = product_ids.product_id
        where product_ids.product_id is null
    {%- endfor %}
)

select * from rejected
