{%- set rules = [
    ('missing_primary_key', 'order_id', 'order_id is null'),
    ('missing_primary_key', 'payment_sequence', is_blank('raw__payment_sequence')),
    ('non_integer_value', 'payment_sequence', is_non_integer_number('raw__payment_sequence')),
    ('non_numeric_value', 'payment_sequence', 'payment_sequence is null'),
    ('duplicate_key_superseded', 'order_id', 'version_rank > 1'),
    ('missing_required_value', 'payment_method', 'payment_method is null'),
    ('missing_required_value', 'amount', is_blank('raw__amount')),
    ('non_integer_value', 'installments', is_non_integer_number('raw__installments')),
    ('non_numeric_value', 'installments', did_not_parse('raw__installments', 'installments')),
    ('non_numeric_value', 'amount', did_not_parse('raw__amount', 'amount_local')),
    ('negative_amount', 'amount', 'amount_local < 0'),
    ('invalid_installments', 'installments', 'installments < 1'),
    ('unknown_enum_value', 'payment_method', 'not is_known_payment_method'),
    ('unknown_order', 'order_id', 'not is_known_order'),
] -%}

with

source as (
    select * from {{ contract_source('order_payments') }}
),

orders as (
    select order_id from {{ ref('base_shop__orders') }}
    where rejection_rule is null
),

payment_methods as (
    select payment_method from {{ ref('payment_methods') }}
),

parsed as (
    select
        {{ raw_columns_prefixed('order_payments') }},
        {{ clean_text('source.order_id') }} as order_id,
        {{ parse_integer('source.payment_sequence') }} as payment_sequence,
        {{ canonical_value('payment_mapping', clean_code('source.payment_method')) }} as payment_method,
        {{ parse_integer('source.installments') }} as installments,
        {{ dbt.safe_cast(clean_text('source.amount'), 'decimal(18, 2)') }} as amount_local
    from source
    {{ join_value_mapping('payment_method', clean_code('source.payment_method'), 'payment_mapping') }}
),

checked as (
    select
        parsed.*,
        orders.order_id is not null as is_known_order,
        payment_methods.payment_method is not null as is_known_payment_method,
        row_number() over (
            partition by parsed.order_id, parsed.payment_sequence
            order by {{ version_order('order_payments', none) }}
        ) as version_rank
    from parsed
    left join orders on parsed.order_id = orders.order_id
    left join payment_methods on parsed.payment_method = payment_methods.payment_method
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        order_id,
        payment_sequence,
        payment_method,
        coalesce(installments, 1) as installments,
        amount_local,
        rejection_rule,
        rejected_column,
        case
            when order_id is not null and payment_sequence is not null
                then {{ dbt.concat(["order_id", "'|'", "cast(payment_sequence as " ~ dbt.type_string() ~ ")"]) }}
        end as record_key,
        case when rejection_rule is not null then {{ raw_record_json('order_payments') }} end as raw_record
    from named
)

select * from final
