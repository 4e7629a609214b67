-- Every row of Amplitude's event export, once: its contract values (the events table of the raw
-- contract) and, for an event the adapter does not carry, why. The event name goes through the
-- seed amplitude_event_mapping (a row with a property condition that holds wins over the row
-- without one); the country name through the countries seed and value_mappings (macro
-- join_country_name). A re-delivered event keeps its uuid: every copy is passed on and
-- base_shop__events keeps one (rule duplicate_key_superseded).
{{ config(enabled=adapter_in_use('amplitude')) }}

{%- set properties_read = {
    'product_id': none, '$productId': none, '[Amplitude] Page Path': none, 'page_path': none,
    'utm_source': none, 'utm_medium': none, 'utm_campaign': none,
} %}

with

source as (
    select * from {{ source('amplitude', 'events') }}
),

event_mapping as (
    select * from {{ ref('amplitude_event_mapping') }}
),

mapped as (
    select
        source.*,
        {{ event_mapping_columns() | indent(8) }},
        {{ country_code_of_name('source.country', 'country') }} as mapped_country_code
    from source
    {{ event_mapping_joins('event_mapping', 'source.event_type', 'source.event_properties') }}
    {{ join_country_name('source.country', 'country') }}
),

renamed as (
    select
        -- ids
        uuid as event_id,
        user_id as customer_id,
        device_id as anonymous_id,
        coalesce(
            {{ json_extract_text('event_properties', '$.product_id') }},
            {{ json_extract_text('event_properties', '$."$productId"') }}
        ) as product_id,

        -- what, where
        mapped_event_type as event_type,
        lower(platform) as platform,
        mapped_country_code as country_code,
        coalesce(
            {{ json_extract_text('event_properties', '$."[Amplitude] Page Path"') }},
            {{ json_extract_text('event_properties', '$.page_path') }},
            {{ url_path(json_extract_text('event_properties', '$."[Amplitude] Page URL"')) }}
        ) as page_path,
        coalesce(
            {{ json_extract_text('event_properties', '$.utm_source') }},
            {{ json_extract_text('user_properties', '$.utm_source') }}
        ) as utm_source,
        coalesce(
            {{ json_extract_text('event_properties', '$.utm_medium') }},
            {{ json_extract_text('user_properties', '$.utm_medium') }}
        ) as utm_medium,
        coalesce(
            {{ json_extract_text('event_properties', '$.utm_campaign') }},
            {{ json_extract_text('user_properties', '$.utm_campaign') }}
        ) as utm_campaign,
        -- the event's other properties: the keys read above removed (a JSON merge patch with
        -- null deletes a key)
        nullif(
            cast(json_merge_patch(event_properties, '{{ properties_read | tojson }}') as varchar),
            '{}'
        ) as properties,

        -- timestamps
        event_time as event_ts,

        -- load: the copies of a re-delivered event numbered in upload order
        row_number() over (
            partition by uuid
            order by server_upload_time, server_received_time, event_time, cast(event_properties as varchar)
        ) as delivery_number,

        -- adapter rules
        {{ event_mapping_rejection_rule() }} as rejection_rule,
        {{ vendor_raw_record_json('amplitude', 'events') }} as raw_record
    from mapped
),

final as (
    {{ event_adapter_rows('renamed', 'event_type') | indent(4) }}
)

select * from final
