{%- set rules = [
    ('missing_primary_key', 'event_id', 'event_id is null'),
    ('duplicate_key_superseded', 'event_id', 'version_rank > 1'),
    ('missing_required_value', 'event_ts', 'is_event_ts_blank'),
    ('missing_required_value', 'event_type', 'event_type is null'),
    ('missing_required_value', 'platform', 'platform is null'),
    ('missing_visitor_id', 'customer_id', 'customer_id is null and anonymous_id is null'),
    ('unparseable_timestamp', 'event_ts', 'not is_event_ts_blank and event_ts is null'),
    ('future_timestamp', 'event_ts', 'event_ts > ' ~ now_utc()),
    ('timestamp_before_lower_bound', 'event_ts', is_before_lower_bound('event_ts', 'events')),
    ('unknown_enum_value', 'event_type', 'not is_known_event_type'),
    ('unknown_enum_value', 'platform',
        'platform not in ' ~ sql_value_list(raw_contract_allowed_values('events', 'platform'))),
    ('unknown_country_code', 'country_code', 'country_code is not null and not is_known_country'),
    ('invalid_json', 'properties', 'properties is not null and not ' ~ is_valid_json('properties')),
    ('unknown_customer', 'customer_id', 'customer_id is not null and not is_known_customer'),
] -%}

{#- Incremental: a run reloads every event id whose raw rows changed since it was loaded (an id
    with another number of rows in the export than here: a new event, however late, or a new
    version of an old one) and every event id whose stored outcome a rule that reads another table
    or the clock would now decide otherwise (rules_read_elsewhere below), plus the events of
    customers erased since they were loaded. An id gone from the export is found the same way (its
    rows here, none in the export): the run writes one placeholder row for it (loaded_at null),
    which replaces its rows and is deleted by the post-hook. The comparison is narrowed in two steps: figures per bucket of the ids' hashes first, then the ids
    of the buckets that differ one by one, so that only the ids that changed are reloaded (a
    reloaded event gets a new loaded_at, which the models downstream take for a change). Each
    reloaded id replaces all its rows (the key is the event id; a missing id counts as one key,
    ''), so duplicates are ranked within the full set of their versions, as in a full refresh. -#}
{{ config(
    materialized=keyed_incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key="coalesce(event_id, '')",
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}{% set condition %}loaded_at is null{% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}

{#- The raw events are read where they are needed, not through an import CTE (DECISIONS.md,
    performance notes). -#}
{%- set raw_events = contract_source('events') %}
{%- set raw_key = "coalesce(" ~ clean_text('raw_events.event_id') ~ ", '')" %}
{%- set loaded_key = "coalesce(event_id, '')" %}
{%- set is_erased = 'coalesce(customer_lookup.is_erased, false)' %}

with

erased_customers as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

customers as (
    select customer_id from {{ ref('base_shop__customers') }}
    where rejection_rule is null
),

event_types as (
    select event_type from {{ ref('event_types') }}
),

countries as (
    select country_code from {{ ref('countries') }}
),

-- the customer ids events carry, each with what the rows need of the customer tables, so that the
-- events meet them in one join: erased (the token then replaces the id) and known (a valid
-- customer under the id the event keeps: the token for an erased customer)
customer_lookup as (
    select
        erased_customers.customer_id,
        true as is_erased,
        customers.customer_id is not null as is_known_customer
    from erased_customers
    left join customers
        on {{ pseudonymous_customer_id('erased_customers.customer_id', 'true') }} = customers.customer_id

    union all

    select
        customers.customer_id,
        false as is_erased,
        true as is_known_customer
    from customers
    left join erased_customers on customers.customer_id = erased_customers.customer_id
    where erased_customers.customer_id is null
),

{% if is_incremental() %}
{#- The rules whose outcome can change while the raw row stays the same: those that read another
    table (a customer corrected, or newly rejected, in a later export; a seed) or the clock. -#}
{%- set read_elsewhere = ['is_known_event_type', 'is_known_country', 'is_known_customer', now_utc()] %}
{%- set rules_read_elsewhere = [] %}
{%- for rule_name, column_name, condition in rules %}
    {%- if read_elsewhere | select('in', condition) | list %}
        {%- do rules_read_elsewhere.append((loop.index0, condition)) %}
    {%- endif %}
{%- endfor %}

-- per bucket of the ids' hashes (macro key_hash_bucket), its rows in the export (one per raw row)
-- and the sum of their ids' hashes (decimal: exact, where Spark's sum of longs would overflow)
raw_buckets as (
    select
        {{ key_hash_bucket(raw_key) }} as key_bucket,
        count(*) as raw_rows,
        sum(cast({{ grouping_hash(raw_key) }} as decimal(38, 0))) as raw_hash_sum
    from {{ raw_events }} as raw_events
    group by {{ key_hash_bucket(raw_key) }}
),

-- the same figures per bucket held here (one row per raw row: clean, rejected or superseded)
loaded_buckets as (
    select
        {{ key_hash_bucket(loaded_key) }} as key_bucket,
        count(*) as loaded_rows,
        sum(cast({{ grouping_hash(loaded_key) }} as decimal(38, 0))) as loaded_hash_sum
    from {{ this }}
    group by {{ key_hash_bucket(loaded_key) }}
),

-- each loaded row with what the other tables say now of its values (the stored customer id is the
-- one the event keeps, so the lookup of the raw ids answers for it too: an erased customer's token
-- is a customer of its own)
loaded_outcomes as (
    select
        loaded.event_id,
        loaded.event_type,
        loaded.country_code,
        loaded.customer_id,
        loaded.event_ts,
        loaded.rejection_rule,
        loaded.rejected_column,
        event_types.event_type is not null as is_known_event_type,
        countries.country_code is not null as is_known_country,
        coalesce(customer_lookup.is_known_customer, false) as is_known_customer,
        coalesce(customer_lookup.is_erased, false) as is_erased
    from {{ this }} as loaded
    left join event_types on loaded.event_type = event_types.event_type
    left join countries on loaded.country_code = countries.country_code
    left join customer_lookup on loaded.customer_id = customer_lookup.customer_id
),

-- the ids held here with a row to decide again: its customer was erased since, or a rule that
-- reads elsewhere would now change its outcome. A clean row passed every rule, so it is decided
-- again when one of them fails now; a rejected row (rules are tried in order) when a rule before
-- the one that rejected it fails now or that one passes now.
redecided_ids as (
    select distinct {{ loaded_key }} as record_key
    from loaded_outcomes
    where
        is_erased
        or (
            rejection_rule is null
            and (
                {%- for position, condition in rules_read_elsewhere %}
                coalesce({{ condition }}, false){{ ' or' if not loop.last }}
                {%- endfor %}
            )
        )
        or (
            rejection_rule is not null
            and (
                {%- for position, condition in rules_read_elsewhere %}
                ({{ stored_rule_position(rules) }} > {{ position }} and coalesce({{ condition }}, false))
                or ({{ stored_rule_position(rules) }} = {{ position }} and not coalesce({{ condition }}, false))
                {{- ' or' if not loop.last }}
                {%- endfor %}
            )
        )
),

-- the buckets to look into: those whose raw rows changed (figures that differ: an id's rows come
-- or go with its hash, so a change shows in one figure or the other; a bucket new or gone) and
-- those of the ids to decide again. Only their ids are compared one by one below: grouping by
-- 2^20 integers costs about half of grouping by every id string.
candidate_buckets as (
    select coalesce(raw_buckets.key_bucket, loaded_buckets.key_bucket) as key_bucket
    from raw_buckets
    full outer join loaded_buckets on raw_buckets.key_bucket = loaded_buckets.key_bucket
    where
        raw_buckets.raw_rows is distinct from loaded_buckets.loaded_rows
        or raw_buckets.raw_hash_sum is distinct from loaded_buckets.loaded_hash_sum

    union

    select {{ key_hash_bucket('record_key') }} as key_bucket
    from redecided_ids
),

-- the raw rows of those buckets, read from the export once: counted per id below, and the rows
-- this run loads are among them
candidate_rows as (
    select
        raw_events.*,
        {{ raw_key }} as record_key
    from {{ raw_events }} as raw_events
    where {{ key_hash_bucket(raw_key) }} in (select key_bucket from candidate_buckets)
),

-- per event id of those buckets, its rows in the export and here
raw_ids as (
    select
        record_key,
        count(*) as raw_rows
    from candidate_rows
    group by record_key
),

loaded_ids as (
    select
        {{ loaded_key }} as record_key,
        count(*) as loaded_rows
    from {{ this }}
    where {{ key_hash_bucket(loaded_key) }} in (select key_bucket from candidate_buckets)
    group by {{ loaded_key }}
),

-- every id whose raw rows changed (a count that differs, an id new or gone) or that must be
-- decided again: only these are reloaded, so an unchanged event keeps its loaded_at and the models
-- downstream do not take it for a change
record_keys_to_load as (
    select coalesce(raw_ids.record_key, loaded_ids.record_key) as record_key
    from raw_ids
    full outer join loaded_ids on raw_ids.record_key = loaded_ids.record_key
    where raw_ids.raw_rows is distinct from loaded_ids.loaded_rows

    union

    select record_key from redecided_ids
),

-- the ids held here that the export has no row of any more: a placeholder replaces their rows
gone_record_keys as (
    select loaded_ids.record_key
    from loaded_ids
    left join raw_ids on loaded_ids.record_key = raw_ids.record_key
    where raw_ids.record_key is null
),

-- the raw rows this run loads
loaded_rows as (
    select {{ raw_contract_columns('events') | join(', ') }}
    from candidate_rows
    where record_key in (select record_key from record_keys_to_load)
),
{% endif %}
{%- set loaded_rows = 'loaded_rows' if is_incremental() else raw_events %}

-- each row with its rank among the rows of its event id (1 = the version kept); only the rows of an
-- event id that occurs more than once in this load are ranked (macro with_version_rank)
source as (
    {{ with_version_rank(loaded_rows, 'events', 'event_id') }}
),

parsed as (
    select
        {{ raw_columns_prefixed('events') }},

        -- ids
        {{ clean_text('source.event_id') }} as event_id,
        {{ pseudonymous_customer_id(clean_text('source.customer_id'), is_erased) }} as customer_id,
        {{ clean_text('source.anonymous_id') }} as anonymous_id,
        {{ clean_text('source.product_id') }} as product_id,

        -- what, where
        {{ clean_code('source.event_type') }} as event_type,
        {{ clean_code('source.platform') }} as platform,
        {{ clean_country_code('source.country_code') }} as country_code,
        {{ mask_contact_details_in_tracking(clean_text('source.page_path'), is_erased) }} as page_path,
        {{ clean_code('source.utm_source') }} as utm_source,
        {{ clean_code('source.utm_medium') }} as utm_medium,
        {{ mask_contact_details_in_tracking(clean_text('source.utm_campaign'), is_erased) }} as utm_campaign,
        {{ mask_contact_details_in_tracking(clean_text('source.properties'), is_erased) }} as properties,

        -- timestamps
        {{ parse_timestamp_utc('source.event_ts') }} as event_ts,
        {{ is_blank('source.event_ts') }} as is_event_ts_blank,

        source.version_rank,
        coalesce(customer_lookup.is_known_customer, false) as is_known_customer
    from source
    left join customer_lookup
        on {{ clean_text('source.customer_id') }} = customer_lookup.customer_id
),

checked as (
    select
        parsed.*,
        event_types.event_type is not null as is_known_event_type,
        countries.country_code is not null as is_known_country
    from parsed
    left join event_types on parsed.event_type = event_types.event_type
    left join countries on parsed.country_code = countries.country_code
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        -- ids
        event_id,
        customer_id,
        anonymous_id,
        product_id,

        -- what, where
        event_type,
        platform,
        country_code,
        page_path,
        utm_source,
        utm_medium,
        utm_campaign,
        properties,
        -- points credited by a loyalty_points_earned event (properties.points), parsed once here
        case
            when event_type = 'loyalty_points_earned' and rejection_rule is null
                then {{ dbt.safe_cast(json_extract_text('properties', '$.points'), dbt.type_bigint()) }}
        end as loyalty_points,

        -- flags
        customer_id is null as is_anonymous_event,

        -- timestamps
        event_ts,

        -- load
        {{ run_started_at_utc() }} as loaded_at,

        -- validation
        rejection_rule,
        rejected_column,
        event_id as record_key,
        case
            when rejection_rule is not null
                then {{ raw_record_json('events', {
                    'customer_id': 'customer_id',
                    'page_path': 'page_path',
                    'utm_campaign': 'utm_campaign',
                    'properties': 'properties',
                }) }}
        end as raw_record
    from named
    {%- if is_incremental() %}

    union all

    -- one placeholder per id gone from the export (loaded_at null: deleted by the post-hook), so
    -- that the delete+insert by event id removes its rows
    select
        nullif(record_key, '') as event_id,
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        cast(null as {{ dbt.type_string() }}) as product_id,
        cast(null as {{ dbt.type_string() }}) as event_type,
        cast(null as {{ dbt.type_string() }}) as platform,
        cast(null as {{ dbt.type_string() }}) as country_code,
        cast(null as {{ dbt.type_string() }}) as page_path,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as utm_campaign,
        cast(null as {{ dbt.type_string() }}) as properties,
        cast(null as {{ dbt.type_bigint() }}) as loyalty_points,
        cast(null as boolean) as is_anonymous_event,
        cast(null as {{ dbt.type_timestamp() }}) as event_ts,
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(null as {{ dbt.type_string() }}) as rejection_rule,
        cast(null as {{ dbt.type_string() }}) as rejected_column,
        nullif(record_key, '') as record_key,
        cast(null as {{ dbt.type_string() }}) as raw_record
    from gone_record_keys
    {%- endif %}
)

select * from final
