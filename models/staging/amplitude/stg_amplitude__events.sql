-- Amplitude's events in the raw contract's events layout (the columns of source shop.events, in
-- its order), for base_shop__events to validate like a contract file when var events_source is
-- 'amplitude'. The events the event mapping does not carry are in stg_amplitude__rejected_rows.
{{ config(enabled=adapter_in_use('amplitude')) }}

{{ adapter_contract_rows('base_amplitude__events', 'events') }}
