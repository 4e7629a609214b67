{#- Every row of the GA4 events export, once: its contract columns, its event id and, for a row
    the adapter does not carry, why (rejection_rule). stg_ga4__events keeps the carried rows,
    stg_ga4__rejected_rows the others, so both read one numbering of the rows. -#}
{{ config(materialized='table', enabled=adapter_in_use('ga4')) }}

{%- set is_erased = 'erased_customers.customer_id is not null' %}
{#- The microseconds of 9999-12-31 23:59:59.999999: beyond it no timestamp type holds the value. -#}
{%- set last_microsecond = 253402300799999999 %}
{#- The event parameters read into contract columns (by their key). -#}
{%- set column_params = ['event_id', 'platform', 'page_location', 'firebase_screen', 'item_id',
    'source', 'medium', 'campaign'] %}
{#- The rules of this adapter, in order; the contract's own rules apply after it (base_shop__events). -#}
{%- set rules = [
    ('event_not_mapped', 'event_name', 'is_mapped_event_name and event_type is null'),
    ('unknown_event_name', 'event_name', 'not is_mapped_event_name'),
    ('missing_required_value', 'event_timestamp', 'event_timestamp is null'),
    ('unparseable_timestamp', 'event_timestamp', 'not event_timestamp between 0 and ' ~ last_microsecond),
    ('missing_visitor_id', 'user_id', 'customer_id is null and anonymous_id is null'),
] %}

with

source as (
    select * from {{ source('ga4', 'events') }}
),

event_mapping as (
    select * from {{ ref('ga4_event_mapping') }}
),

param_mapping as (
    select * from {{ ref('ga4_param_mapping') }}
),

-- customers with an erasure request: their id is replaced by its token here already, so that no
-- table of the warehouse keeps it (base_shop__events does the same for the contract's own file)
erased_customers as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

countries as (
    select
        country_code,
        {{ country_name_key('country_name') }} as country_name_key
    from {{ ref('countries') }}
),

country_name_mappings as (
    select
        source_value,
        canonical_value
    from {{ ref('value_mappings') }}
    where field = 'country_name'
),

-- each export row numbered: rows have no key of their own
numbered as (
    select
        row_number() over () as raw_row_number,
        source.*,
        source.geo.country as geo_country
    from source
),

unnested_params as (
    select
        numbered.raw_row_number,
        unnest(numbered.event_params) as param
    from numbered
),

-- one row per event parameter, its value as text and as a JSON value of its type
params as (
    select
        unnested_params.raw_row_number,
        unnested_params.param.key as param_key,
        coalesce(
            unnested_params.param.value.string_value,
            cast(unnested_params.param.value.int_value as {{ dbt.type_string() }}),
            cast(
                coalesce(unnested_params.param.value.double_value, unnested_params.param.value.float_value)
                as {{ dbt.type_string() }}
            )
        ) as param_text,
        cast(
            case
                when unnested_params.param.value.string_value is not null
                    then to_json(unnested_params.param.value.string_value)
                when unnested_params.param.value.int_value is not null
                    then to_json(unnested_params.param.value.int_value)
                else to_json(coalesce(
                    unnested_params.param.value.double_value,
                    unnested_params.param.value.float_value
                ))
            end as {{ dbt.type_string() }}
        ) as param_json
    from unnested_params
),

-- the parameters read into columns, one row per event that has any
column_params as (
    select
        raw_row_number,
        max(case when param_key = 'event_id' then param_text end) as param_event_id,
        max(case when param_key = 'platform' then param_text end) as param_platform,
        max(case when param_key = 'page_location' then param_text end) as param_page_location,
        max(case when param_key = 'firebase_screen' then param_text end) as param_firebase_screen,
        max(case when param_key = 'item_id' then param_text end) as param_item_id,
        max(case when param_key = 'source' then param_text end) as param_source,
        max(case when param_key = 'medium' then param_text end) as param_medium,
        max(case when param_key = 'campaign' then param_text end) as param_campaign
    from params
    where param_key in {{ sql_value_list(column_params) }}
    group by raw_row_number
),

-- the other parameters as one JSON object, keys renamed or left out by the ga4_param_mapping seed
properties as (
    select
        params.raw_row_number,
        '{'
        || string_agg(
            cast(to_json(coalesce(param_mapping.property_name, params.param_key)) as {{ dbt.type_string() }})
            || ': ' || coalesce(params.param_json, 'null'),
            ', '
            order by coalesce(param_mapping.property_name, params.param_key)
        )
        || '}' as properties
    from params
    left join param_mapping on params.param_key = param_mapping.param_key
    where param_mapping.param_key is null or param_mapping.property_name is not null
    group by params.raw_row_number
),

-- the mapping rows an event matches: those whose parameter condition holds, then the one without
mapping_matches as (
    select
        numbered.raw_row_number,
        event_mapping.event_type,
        0 as match_order,
        event_mapping.param_key
    from numbered
    inner join params on numbered.raw_row_number = params.raw_row_number
    inner join event_mapping
        on
            trim(numbered.event_name) = event_mapping.event_name
            and params.param_key = event_mapping.param_key
            and params.param_text = event_mapping.param_value

    union all

    select
        numbered.raw_row_number,
        event_mapping.event_type,
        1 as match_order,
        event_mapping.param_key
    from numbered
    inner join event_mapping
        on
            trim(numbered.event_name) = event_mapping.event_name
            and event_mapping.param_key is null
),

mapped_events as (
    select
        raw_row_number,
        event_type
    from (
        select
            raw_row_number,
            event_type,
            row_number() over (
                partition by raw_row_number
                order by match_order, param_key
            ) as match_rank
        from mapping_matches
    ) as ranked
    where match_rank = 1
),

-- the contract's columns of each row
shaped as (
    select
        numbered.raw_row_number,
        numbered.event_name,
        numbered.event_timestamp,
        mapped_events.raw_row_number is not null as is_mapped_event_name,
        {{ is_erased }} as is_erased,

        -- ids
        {{ pseudonymous_customer_id(clean_text('numbered.user_id'), is_erased) }} as customer_id,
        {{ clean_text('numbered.user_pseudo_id') }} as anonymous_id,
        coalesce(
            {{ clean_text('column_params.param_item_id') }},
            {{ clean_text('numbered.items[1].item_id') }}
        ) as product_id,

        -- what, where
        mapped_events.event_type,
        lower(coalesce(
            {{ clean_text('column_params.param_platform') }},
            {{ clean_text('numbered.platform') }}
        )) as platform,
        case
            when {{ clean_text('numbered.geo_country') }} is null or trim(numbered.geo_country) = '(not set)'
                then null
            else coalesce(
                countries.country_code,
                country_name_mappings.canonical_value,
                {{ clean_text('numbered.geo_country') }}
            )
        end as country_code,
        case
            when {{ clean_text('column_params.param_page_location') }} is not null
                then coalesce(
                    nullif(
                        {{ regexp_replace_all('trim(column_params.param_page_location)',
                            '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*|[?#].*$', '') }},
                        ''
                    ),
                    '/'
                )
            else {{ clean_text('column_params.param_firebase_screen') }}
        end as page_path,
        coalesce(
            {{ clean_text('numbered.collected_traffic_source.manual_source') }},
            {{ clean_text('column_params.param_source') }}
        ) as utm_source,
        coalesce(
            {{ clean_text('numbered.collected_traffic_source.manual_medium') }},
            {{ clean_text('column_params.param_medium') }}
        ) as utm_medium,
        coalesce(
            {{ clean_text('numbered.collected_traffic_source.manual_campaign_name') }},
            {{ clean_text('column_params.param_campaign') }}
        ) as utm_campaign,
        coalesce(properties.properties, '{}') as properties,

        -- timestamps: microseconds since the epoch, exactly (a value out of range stays null)
        case
            when numbered.event_timestamp between 0 and {{ last_microsecond }}
                then {{ timestamp_from_epoch_microseconds('numbered.event_timestamp') }}
        end as event_ts,

        -- the id: the site's own event_id parameter, else the event's key and its position among
        -- the rows with that key and other parameters (a row exported twice keeps one id)
        coalesce(
            {{ clean_text('column_params.param_event_id') }},
            'ga4-' || {{ dbt.hash("concat_ws('|',
                coalesce(numbered.user_pseudo_id, ''),
                coalesce(numbered.user_id, ''),
                coalesce(cast(numbered.event_timestamp as " ~ dbt.type_string() ~ "), ''),
                coalesce(numbered.event_name, ''),
                coalesce(cast(numbered.event_bundle_sequence_id as " ~ dbt.type_string() ~ "), ''),
                cast(dense_rank() over (
                    partition by
                        numbered.user_pseudo_id,
                        numbered.user_id,
                        numbered.event_timestamp,
                        numbered.event_name,
                        numbered.event_bundle_sequence_id
                    order by cast(to_json(numbered.event_params) as " ~ dbt.type_string() ~ ")
                ) as " ~ dbt.type_string() ~ "))") }}
        ) as event_id,

        -- the raw record kept for a rejected row: personal-data columns redacted, e-mail addresses
        -- and phone numbers in the parameters masked, an erased customer's id replaced
        {{ ga4_raw_record('numbered', is_erased) }} as raw_record
    from numbered
    left join mapped_events on numbered.raw_row_number = mapped_events.raw_row_number
    left join column_params on numbered.raw_row_number = column_params.raw_row_number
    left join properties on numbered.raw_row_number = properties.raw_row_number
    left join erased_customers on {{ clean_text('numbered.user_id') }} = erased_customers.customer_id
    left join countries
        on {{ country_name_key('numbered.geo_country') }} = countries.country_name_key
    left join country_name_mappings
        on {{ country_name_key('numbered.geo_country') }} = country_name_mappings.source_value
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('shaped', rules) }}
),

-- each row's place among the rows with its event id, for the key of a rejected row
copies_numbered as (
    select
        *,
        row_number() over (partition by event_id order by raw_row_number) as id_copy_number
    from named
),

final as (
    select
        -- the contract's events columns, in contract order
        event_id,
        event_ts,
        customer_id,
        anonymous_id,
        event_type,
        platform,
        country_code,
        -- tracking text: e-mail addresses and phone numbers masked as base_shop__events masks them
        {{ mask_contact_details_in_tracking('page_path', 'is_erased') }} as page_path,
        product_id,
        utm_source,
        utm_medium,
        {{ mask_contact_details_in_tracking('utm_campaign', 'is_erased') }} as utm_campaign,
        {{ mask_contact_details_in_tracking('properties', 'is_erased') }} as properties,

        -- the export row
        raw_row_number,
        event_name,
        event_timestamp,

        -- validation
        rejection_rule,
        rejected_column,
        -- a rejected row's key: its event id, numbered from the second row with the same id
        case
            when rejection_rule is not null
                then event_id || case
                    when id_copy_number > 1 then '#' || cast(id_copy_number as {{ dbt.type_string() }}) else ''
                end
        end as record_key,
        case when rejection_rule is not null then raw_record end as raw_record
    from copies_numbered
)

select * from final
