-- The GA4 export rows the adapter does not carry into the contract's events, with why.
with
{{ config(enabled=adapter_in_use('ga4')) }}


rejected as (
    select * from {{ ref('base_ga4__events') }}
    where rejection_rule is not null
),

final as (
    select
        'ga4.events' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from rejected
)

select * from final
