{{ config(enabled=adapter_in_use('delighted')) }}

-- The Delighted survey responses the adapter does not carry into feedback rows, with the rule.
with

resolved as (
    select * from {{ ref('base_delighted__survey_responses') }}
),

final as (
    select
        'delighted.survey_responses' as source_table,
        response_id as record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from resolved
    where rejection_rule is not null
)

select * from final
