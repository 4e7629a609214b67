-- One row per session (int_events_sessionized): when, how long, where it landed and came from,
-- and what happened in it. A session is credited to a channel by the utm_medium of its first
-- event (utm_channels seed; no medium: direct). session_date is the local date of the first
-- event (stg_shop__events: the customer's country, an anonymous visitor's: the event's).
--
-- Incremental: a run rebuilds the sessions that int_events_sessionized recomputed since the last
-- run from their events (it rewrites every event of such a session, so they are the events
-- loaded since: the appended rows), and those whose customer now resolves to another person or
-- whose channel or country name the seeds now give otherwise from their stored row (their events
-- did not change); the pre-hook removes sessions that no longer exist (merged into another, or
-- renumbered after identity stitching). Rows are replaced by session_id.
{{ config(
    materialized=keyed_incremental_materialization(
        table_on_spark_because='it reads int_events_sessionized, rebuilt in full on Spark: every row has a new'
        ~ ' loaded_at, so an incremental run would recompute every session and then rewrite'
        ~ ' the table'),
    incremental_strategy='delete+insert',
    unique_key='session_id',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}{% set condition %}session_id not in (select session_id from {{ ref('int_events_sessionized') }}){% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}

{#- The channel of a session, from the utm_medium of its first event. -#}
{%- set session_channel -%}
    case
        when {medium} is null then 'direct'
        else coalesce(utm_channels.session_channel, 'other')
    end
{%- endset %}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
),

-- the first event of each session, what the session landed on and came from; read apart from
-- the events rather than filtered from them, so that no query reads the events CTE twice (DuckDB
-- keeps a copy of a CTE read twice: here every event, wide, spilled to disk)
session_starts as (
    select
        session_id,
        visitor_key,
        stitched_customer_id,
        anonymous_id,
        page_path,
        utm_source,
        utm_medium,
        utm_campaign,
        platform,
        country_code,
        event_date,
        loaded_at
    from {{ ref('int_events_sessionized') }}
    where is_session_start
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

utm_channels as (
    select * from {{ ref('utm_channels') }}
),

countries as (
    select * from {{ ref('countries') }}
),

{% if is_incremental() %}
-- when this table was last built: events sessionized since then belong to recomputed sessions
last_run as (
    select max(loaded_at) as loaded_at from {{ this }}
),
{% endif %}

events_to_summarize as (
    select * from events
    {% if is_incremental() %}
        where loaded_at > (select last_run.loaded_at from last_run)
    {% endif %}
),

first_events as (
    select * from session_starts
    {% if is_incremental() %}
        where loaded_at > (select last_run.loaded_at from last_run)
    {% endif %}
),

activity as (
    select
        session_id,
        min(event_ts) as session_start_ts,
        max(event_ts) as session_end_ts,
        count(*) as events,
        sum(case when event_type = 'page_view' then 1 else 0 end) as page_views,
        max(case when event_type = 'product_view' then 1 else 0 end) = 1 as has_product_view,
        max(case when event_type = 'add_to_cart' then 1 else 0 end) = 1 as has_add_to_cart,
        max(case when event_type = 'checkout_started' then 1 else 0 end) = 1 as has_checkout_started,
        max(case when event_type = 'purchase' then 1 else 0 end) = 1 as has_purchase,
        max(case when event_type = 'whatsapp_message' then 1 else 0 end) = 1 as has_whatsapp_message,
        max(case when event_type = 'social_share' then 1 else 0 end) = 1 as has_social_share,
        max(case when event_type = 'add_to_wishlist' then 1 else 0 end) = 1 as has_wishlist_add
    from events_to_summarize
    group by session_id
),

final as (
    select
        -- keys
        first_events.session_id,
        first_events.visitor_key,
        first_events.stitched_customer_id as customer_id,
        persons.person_key,
        first_events.anonymous_id,
        first_events.stitched_customer_id is null as is_anonymous_session,

        -- when
        activity.session_start_ts,
        activity.session_end_ts,
        first_events.event_date as session_date,
        cast(
            {{ dbt.datediff('activity.session_start_ts', 'activity.session_end_ts', 'second') }}
            as {{ dbt.type_int() }}
        ) as duration_seconds,

        -- where from
        first_events.page_path as landing_page,
        first_events.utm_source,
        first_events.utm_medium,
        first_events.utm_campaign,
        {{ session_channel.format(medium='first_events.utm_medium') }} as session_channel,
        first_events.platform,
        first_events.country_code,
        countries.country_name,

        -- what happened
        cast(activity.events as {{ dbt.type_int() }}) as events,
        activity.events = 1 and activity.page_views = 1 as is_bounce,
        activity.has_product_view,
        activity.has_add_to_cart,
        activity.has_checkout_started,
        activity.has_purchase,
        activity.has_wishlist_add,
        activity.has_whatsapp_message,
        activity.has_social_share,

        -- load
        {{ run_started_at_utc() }} as loaded_at
    from first_events
    inner join activity on first_events.session_id = activity.session_id
    left join persons on first_events.stitched_customer_id = persons.customer_id
    left join utm_channels on first_events.utm_medium = utm_channels.utm_medium
    left join countries on first_events.country_code = countries.country_code
    {% if is_incremental() -%}

    union all

    -- stored sessions not recomputed whose person, channel or country name changed: only those
    -- columns are looked up again, the rest of the row is the session's as stored
    select
        sessions_before.session_id,
        sessions_before.visitor_key,
        sessions_before.customer_id,
        persons.person_key,
        sessions_before.anonymous_id,
        sessions_before.is_anonymous_session,
        sessions_before.session_start_ts,
        sessions_before.session_end_ts,
        sessions_before.session_date,
        sessions_before.duration_seconds,
        sessions_before.landing_page,
        sessions_before.utm_source,
        sessions_before.utm_medium,
        sessions_before.utm_campaign,
        {{ session_channel.format(medium='sessions_before.utm_medium') }} as session_channel,
        sessions_before.platform,
        sessions_before.country_code,
        countries.country_name,
        sessions_before.events,
        sessions_before.is_bounce,
        sessions_before.has_product_view,
        sessions_before.has_add_to_cart,
        sessions_before.has_checkout_started,
        sessions_before.has_purchase,
        sessions_before.has_wishlist_add,
        sessions_before.has_whatsapp_message,
        sessions_before.has_social_share,
        {{ run_started_at_utc() }} as loaded_at
    from {{ this }} as sessions_before
    left join persons on sessions_before.customer_id = persons.customer_id
    left join utm_channels on sessions_before.utm_medium = utm_channels.utm_medium
    left join countries on sessions_before.country_code = countries.country_code
    where
        sessions_before.session_id not in (select first_events.session_id from first_events)
        and (
            sessions_before.person_key is distinct from persons.person_key
            or sessions_before.session_channel
            != {{ session_channel.format(medium='sessions_before.utm_medium') }}
            or sessions_before.country_name is distinct from countries.country_name
        )
    {%- endif %}
)

select * from final
