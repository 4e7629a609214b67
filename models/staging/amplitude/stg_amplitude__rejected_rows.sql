-- The rows of Amplitude's event export the adapter does not carry into the contract, with why
-- (unknown_event_name, event_not_mapped); unioned into audit_rejected_rows.
{{ config(enabled=adapter_in_use('amplitude')) }}

with

events as (
    select * from {{ ref('base_amplitude__events') }}
),

rejected as (
    select
        'amplitude.events' as source_table,
        event_id as record_key,
        rejection_rule,
        rejected_column,
        raw_record,
        delivery_number
    from events
    where rejection_rule is not null
)

select * from rejected
