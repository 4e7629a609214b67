-- Every row of Mixpanel's raw event export, once: its contract values (the events table of the
-- raw contract) and, for an event the adapter does not carry, why. The event name goes through
-- the seed mixpanel_event_mapping (a row with a property condition that holds wins over the row
-- without one). A re-delivered event keeps its $insert_id: every copy is passed on and
-- base_shop__events keeps one (rule duplicate_key_superseded).
{{ config(enabled=adapter_in_use('mixpanel')) }}

{#- Properties read into the contract's columns or Mixpanel's own (besides every key starting
    with $ or mp_), left out of the contract's properties JSON. -#}
{%- set properties_read = [
    'time', 'distinct_id', 'token', 'ip', 'platform', 'product_id', 'utm_source', 'utm_medium',
    'utm_campaign', 'current_url_path', 'current_domain', 'current_page_title',
    'current_url_protocol', 'current_url_search',
] %}

with

source as (
    select * from {{ source('mixpanel', 'events') }}
),

event_mapping as (
    select * from {{ ref('mixpanel_event_mapping') }}
),

extracted as (
    select
        source.*,
        -- Mixpanel's deduplication key; without one, a hash of what Mixpanel would compare
        coalesce(
            {{ json_extract_text('source.properties', '$."$insert_id"') }},
            'md5:' || md5(concat_ws(
                '|',
                source.event,
                {{ json_extract_text('source.properties', '$.distinct_id') }},
                {{ json_extract_text('source.properties', '$.time') }}
            ))
        ) as event_id,
        {{ json_extract_text('source.properties', '$.time') }} as raw_time,
        try_cast({{ json_extract_text('source.properties', '$.time') }} as double) as epoch_time,
        {{ json_extract_text('source.properties', '$.distinct_id') }} as distinct_id,
        {{ json_extract_text('source.properties', '$."$device_id"') }} as device_id,
        {{ json_extract_text('source.properties', '$."$user_id"') }} as user_id,
        {{ json_extract_text('source.properties', '$.mp_lib') }} as mp_lib,
        {{ json_extract_text('source.properties', '$."$os"') }} as os
    from source
),

mapped as (
    select
        extracted.*,
        {{ event_mapping_columns() | indent(8) }}
    from extracted
    {{ event_mapping_joins('event_mapping', 'extracted.event', 'extracted.properties') }}
),

renamed as (
    select
        -- ids
        event_id,
        coalesce(
            user_id,
            case when distinct_id <> coalesce(device_id, '') and distinct_id not like '$device:%' then distinct_id end
        ) as customer_id,
        coalesce(
            device_id,
            case when distinct_id like '$device:%' then substr(distinct_id, length('$device:') + 1) end
        ) as anonymous_id,
        {{ json_extract_text('properties', '$.product_id') }} as product_id,

        -- what, where
        mapped_event_type as event_type,
        coalesce(
            {{ json_extract_text('properties', '$.platform') }},
            case
                when mp_lib = 'web' then 'web'
                when os in ('iOS', 'iPadOS') then 'ios'
                when os = 'Android' then 'android'
            end
        ) as platform,
        {{ json_extract_text('properties', '$.mp_country_code') }} as country_code,
        coalesce(
            {{ json_extract_text('properties', '$.current_url_path') }},
            {{ url_path(json_extract_text('properties', '$."$current_url"')) }}
        ) as page_path,
        {{ json_extract_text('properties', '$.utm_source') }} as utm_source,
        {{ json_extract_text('properties', '$.utm_medium') }} as utm_medium,
        {{ json_extract_text('properties', '$.utm_campaign') }} as utm_campaign,
        -- the tracking plan's own properties: Mixpanel's ($..., mp_...) and those read above left out
        nullif(
            cast(to_json(map_from_entries(list_filter(
                map_entries(cast(properties as map(varchar, json))),
                lambda entry: not (
                    starts_with(entry.key, '$')
                    or starts_with(entry.key, 'mp_')
                    or entry.key in {{ sql_value_list(properties_read) }}
                )
            ))) as varchar),
            '{}'
        ) as properties,

        -- timestamps: epoch seconds, or milliseconds from 1e11 on (time_in_ms), in the project's
        -- time zone (UTC unless var mixpanel_project_timezone says otherwise), as UTC text;
        -- another value is passed on as it is, for base_shop__events to parse or reject
        case
            when epoch_time is not null
                then strftime(
                    cast(timezone(
                        '{{ var("mixpanel_project_timezone", "UTC") }}',
                        make_timestamp(cast(round(
                            epoch_time / case when epoch_time >= 1e11 then 1000 else 1 end * 1000000
                        ) as bigint))
                    ) as timestamp),
                    '%Y-%m-%d %H:%M:%S.%f'
                )
            else raw_time
        end as event_ts,

        -- load: the copies of a re-delivered event numbered in processing order
        row_number() over (
            partition by event_id
            order by
                {{ json_extract_text('properties', '$.mp_processing_time_ms') }},
                cast(properties as varchar)
        ) as delivery_number,

        -- adapter rules
        {{ event_mapping_rejection_rule() }} as rejection_rule,
        {{ vendor_raw_record_json('mixpanel', 'events') }} as raw_record
    from mapped
),

final as (
    {{ event_adapter_rows('renamed', 'event') | indent(4) }}
)

select * from final
