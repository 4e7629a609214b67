-- Amplitude's events in the raw contract's events layout (the columns of source shop.events, in
-- its order), for base_shop__events to validate like a contract file when var events_source is
-- 'amplitude'. The events the event mapping does not carry are in stg_amplitude__rejected_rows.
{{ config(enabled=adapter_in_use('amplitude')) }}

with

events as (
    select * from {{ ref('base_amplitude__events') }}
),

carried as (
    select
        {{ raw_contract_columns('events') | join(',\n        ') }},
        delivery_number
    from events
    where rejection_rule is null
)

select * from carried
