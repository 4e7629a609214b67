{{ config(enabled=adapter_in_use('typeform')) }}

-- The Typeform responses the adapter does not carry into feedback rows, with the rule they break.
with

resolved as (
    select * from {{ ref('base_typeform__responses') }}
),

final as (
    select
        'typeform.responses' as source_table,
        response_key as record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from resolved
    where rejection_rule is not null
)

select * from final
