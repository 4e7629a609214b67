-- The rows of Amplitude's event export the adapter does not carry into the contract, with why
-- (unknown_event_name, event_not_mapped); unioned into audit_rejected_rows.
{{ config(enabled=adapter_in_use('amplitude')) }}

{{ adapter_rejected_rows('base_amplitude__events', 'amplitude.events') }}
