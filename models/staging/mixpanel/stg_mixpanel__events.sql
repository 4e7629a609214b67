-- Mixpanel's events in the raw contract's events layout (the columns of source shop.events, in
-- its order), for base_shop__events to validate like a contract file when var events_source is
-- 'mixpanel'. The events the event mapping does not carry are in stg_mixpanel__rejected_rows.
{{ config(enabled=adapter_in_use('mixpanel')) }}

{{ adapter_contract_rows('base_mixpanel__events', 'events') }}
