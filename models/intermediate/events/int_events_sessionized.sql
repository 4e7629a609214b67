-- Events grouped into sessions per visitor. Identity stitching first: an anonymous_id that was
-- ever seen with a customer_id belongs to the customer of its earliest identified event, so the
-- visitor's anonymous events before they signed in join the customer's sessions. A session ends
-- after var session_timeout_minutes (30) without an event; a session is not cut at midnight
-- (a night-time visit is one visit; daily metrics use the session's start date).
--
-- Incremental: the events loaded since the last run, and the earlier events of the devices they
-- touch whose visitor changed (a device newly identified moves its anonymous events to its
-- owner), change the sessions of their visitors from the earliest such event on. For each such
-- visitor the run re-sessionizes from the start of its last session before that event, and
-- numbers on from there; earlier sessions are final. Rows are replaced by event_id.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='event_id',
    on_schema_change='fail',
) }}

with

events as (
    select * from {{ ref('stg_shop__events') }}
),

identified_devices as (
    select
        anonymous_id,
        customer_id,
        row_number() over (partition by anonymous_id order by event_ts asc, event_id asc) as identification_rank
    from events
    where anonymous_id is not null and customer_id is not null
),

device_owners as (
    select
        anonymous_id,
        customer_id
    from identified_devices
    where identification_rank = 1
),

stitched as (
    select
        events.*,
        coalesce(events.customer_id, device_owners.customer_id) as stitched_customer_id,
        coalesce(events.customer_id, device_owners.customer_id, 'anonymous:' || events.anonymous_id)
            as visitor_key
    from events
    left join device_owners on events.anonymous_id = device_owners.anonymous_id
),

{% if is_incremental() %}
sessionized_before as (
    select * from {{ this }}
),

new_events as (
    select
        event_id,
        anonymous_id
    from events
    where loaded_at > (select max(sessionized_before.loaded_at) from sessionized_before)
),

touched_devices as (
    select distinct anonymous_id from new_events
    where anonymous_id is not null
),

-- events loaded since the last run, and events of the devices they touch whose visitor changed
-- (a device newly identified, or its owner erased)
changed_events as (
    select
        stitched.event_ts,
        stitched.visitor_key,
        before.visitor_key as visitor_key_before
    from stitched
    left join sessionized_before as before on stitched.event_id = before.event_id
    where
        stitched.event_id in (select new_events.event_id from new_events)
        or (
            stitched.anonymous_id in (select touched_devices.anonymous_id from touched_devices)
            and stitched.visitor_key is distinct from before.visitor_key
        )
),

-- per visitor, the earliest event that can change its sessions: one it gained or one it lost
changed_from as (
    select
        visitor_key,
        min(event_ts) as changed_from_ts
    from (
        select
            visitor_key,
            event_ts
        from changed_events
        union all
        select
            visitor_key_before as visitor_key,
            event_ts
        from changed_events
        where visitor_key_before != visitor_key
    ) as gained_or_lost
    group by visitor_key
),

-- sessions that ended before that point cannot change; the last session that started before it
-- may grow, so sessionizing restarts at its first event, numbering on from it
sessions_before_change as (
    select
        before.visitor_key,
        before.session_number,
        min(before.event_ts) as session_start_ts
    from sessionized_before as before
    inner join changed_from on before.visitor_key = changed_from.visitor_key
    where before.event_ts < changed_from.changed_from_ts
    group by before.visitor_key, before.session_number
),

restart_points as (
    select
        visitor_key,
        session_start_ts as restart_ts,
        session_number - 1 as session_number_offset
    from (
        select
            *,
            row_number() over (partition by visitor_key order by session_number desc) as recency_rank
        from sessions_before_change
    ) as ranked
    where recency_rank = 1
),
{% endif %}

events_to_sessionize as (
    select
        stitched.*,
        {% if is_incremental() -%}
            coalesce(restart_points.session_number_offset, 0)
        {%- else -%}
            0
        {%- endif %} as session_number_offset
    from stitched
    {% if is_incremental() %}
        inner join changed_from on stitched.visitor_key = changed_from.visitor_key
        left join restart_points on stitched.visitor_key = restart_points.visitor_key
        where restart_points.restart_ts is null or stitched.event_ts >= restart_points.restart_ts
    {% endif %}
),

with_gaps as (
    select
        *,
        lag(event_ts) over (partition by visitor_key order by event_ts asc, event_id asc) as previous_event_ts
    from events_to_sessionize
),

flagged as (
    select
        *,
        case
            when previous_event_ts is null then 1
            when
                {{ dbt.datediff('previous_event_ts', 'event_ts', 'second') }}
                > {{ var('session_timeout_minutes') }} * 60
                then 1
            else 0
        end as is_session_start
    from with_gaps
),

numbered as (
    select
        *,
        session_number_offset + sum(is_session_start) over (
            partition by visitor_key
            order by event_ts asc, event_id asc
            rows between unbounded preceding and current row
        ) as session_number
    from flagged
),

final as (
    select
        event_id,
        {{ dbt.hash(dbt.concat(['visitor_key', "'|'", 'cast(session_number as ' ~ dbt.type_string() ~ ')'])) }}
            as session_id,
        visitor_key,
        stitched_customer_id,
        customer_id,
        anonymous_id,
        cast(session_number as {{ dbt.type_int() }}) as session_number,
        is_session_start = 1 as is_session_start,
        event_ts,
        event_date,
        event_type,
        platform,
        country_code,
        page_path,
        product_id,
        utm_source,
        utm_medium,
        utm_campaign,
        properties,
        loyalty_points,
        {{ run_started_at_utc() }} as loaded_at
    from numbered
)

select * from final
