-- Events grouped into sessions per visitor. Identity stitching first: an anonymous_id that was
-- ever seen with a customer_id belongs to the customer of its earliest identified event, so the
-- visitor's anonymous events before they signed in join the customer's sessions. A session ends
-- after var session_timeout_minutes (30) without an event, not at midnight (DECISIONS.md).
--
-- Incremental (compact state, DECISIONS.md issue 22): an event changes the sessions of its
-- visitor from its time on when a version of it was loaded since the last run (new, late,
-- re-delivered, or re-evaluated against the contract), or it is gone (rejected now, or out of the
-- export: the post-hook deletes it), or its device got another owner (only a device with an
-- identified event loaded or gone can), or its local date moved (its customer's country or a
-- country's time zone changed: found by comparing the model int_events_sessionized__time_zones,
-- its compact state built after it in the same run, instead of every event's date). For each such visitor the run
-- re-sessionizes from the start of its last session before the earliest such event (as it is now
-- and as it was), and numbers on from there; earlier sessions are final. Rows are replaced by
-- event_id. fct_order_attribution's incremental run relies on that restart: a visitor's sessions
-- that changed or went start no earlier than its earliest session rewritten by the run.
-- A day without a gone event skips both anti joins of every stored id with every clean id: the
-- run first counts whether one may be gone (below), and the post-hook deletes only when the table
-- holds more rows than the clean events (after the run it holds every one, as a full refresh).
--
-- Sessions are numbered over time buckets as long as the timeout, not with a lag over every
-- event (why: DECISIONS.md, performance notes): only a bucket's first event can open a session.
{{ config(
    materialized=keyed_incremental_materialization(
        table_on_spark_because='its incremental query, written for DuckDB, did not finish in 5 minutes on Spark'
        ~ ' on an unchanged day at scale 0.005 (a full build takes under a minute), and'
        ~ ' Spark 4.3 fails on its plan in the unit test'),
    incremental_strategy='delete+insert',
    unique_key='event_id',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}{% set condition %}
        event_id not in (select event_id from {{ ref('stg_shop__events') }}){% endset %}{% if rows_outnumber(this, ref('stg_shop__events')) %}{{ delete_where(this, condition) }}{% endif %}{% endif %}",
) }}
-- the incremental run compares the customers' countries and the zones now with its stored state:
-- depends_on: {{ ref('stg_shop__customers') }}, {{ ref('countries') }}

{#- The stored time-zone state, when it exists, was built in the run that wrote the model's latest
    rows (same loaded_at: not a state built alone, nor one left from an earlier run by a run of the
    model without it) and the countries' zones are unchanged since; otherwise the run compares every
    event's local date instead. -#}
{%- set zone_state = none -%}
{%- if is_incremental() -%}
    {%- set zone_state = sessionization_time_zones_state(this) -%}
    {%- if zone_state is not none and execute -%}
        {%- set state_of_latest_run = run_query(
            "select count(*) from " ~ zone_state ~ " where loaded_at = (select max(loaded_at) from " ~ this ~ ")"
        ).columns[0].values()[0] -%}
        {%- set changed_zones = 1 if state_of_latest_run == 0 else run_query(
            "select count(*) from ((select country_code, business_timezone from " ~ zone_state
            ~ " where customer_id is null except select country_code, business_timezone from ("
            ~ sessionization_time_zones() ~ ") where customer_id is null) union all (select country_code,"
            ~ " business_timezone from (" ~ sessionization_time_zones() ~ ") where customer_id is null"
            ~ " except select country_code, business_timezone from " ~ zone_state
            ~ " where customer_id is null)) as changed"
        ).columns[0].values()[0] -%}
        {%- if changed_zones > 0 -%}
            {%- set zone_state = none -%}
        {%- endif -%}
    {%- endif -%}
{%- endif -%}

{#- Whether a stored event may be gone from the clean events (rejected now, or out of the export),
    from counts rather than an anti join of every stored id with every clean id. The stored events
    are those clean at the model's latest run (its rows equal the clean events after each run), so
    every clean event loaded before the watermark is among them, and the others are events loaded
    since (gained) or gone: none is gone when the stored rows are exactly the clean events loaded
    before the watermark plus the stored versions of the gained ones. Not counted in a unit test
    (`this` is then a fixture, not a table): the anti join decides there. -#}
{%- set may_have_lost_events = true -%}
{%- if is_incremental() and this is not string and execute -%}
    {%- set watermark = latest_loaded_at() -%}
    {%- set stored_but_not_loaded_before = run_query(
        "select (select count(*) from " ~ this ~ ") - (select count(*) from " ~ ref('stg_shop__events')
        ~ " where loaded_at <= " ~ watermark ~ ")"
    ).columns[0].values()[0] -%}
    {%- set may_have_lost_events = stored_but_not_loaded_before != 0 and stored_but_not_loaded_before != run_query(
        "select count(*) from " ~ this ~ " where event_id in (select event_id from "
        ~ ref('stg_shop__events') ~ " where loaded_at > " ~ watermark ~ ")"
    ).columns[0].values()[0] -%}
{%- endif -%}

{#- The visitor of an event: its customer, else its device's owner, else the device. Written once,
    applied to the narrow key columns (to sessionize) and to the full rows (the output). -#}
{%- set visitor_key -%}
    coalesce({events}.customer_id, device_owners.customer_id, 'anonymous:' || {events}.anonymous_id)
{%- endset -%}

{#- The bucket of a timestamp: whole timeouts since 1970, counted with the datediff in seconds
    that the timeout is measured with, so that two events of one bucket are at most
    timeout - 1 seconds apart by that measure. -#}
{%- set time_bucket -%}
    cast(floor(
        {{ dbt.datediff("cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")", '{event_ts}', 'second') }}
        / ({{ var('session_timeout_minutes') }} * 60)
    ) as {{ dbt.type_bigint() }})
{%- endset %}

with

events as (
    select * from {{ ref('stg_shop__events') }}
),

-- the columns that place an event on its visitor's timeline, and the events that identify a
-- device: read apart from the full rows, which only the final join needs, so that no wide copy of
-- the events is kept or sorted
event_keys as (
    select
        event_id,
        customer_id,
        anonymous_id,
        event_ts,
        event_date,
        loaded_at
    from {{ ref('stg_shop__events') }}
),

identified_events as (
    select
        anonymous_id,
        customer_id,
        event_ts,
        event_id
    from {{ ref('stg_shop__events') }}
    where anonymous_id is not null and customer_id is not null
),

-- a device's owner is the customer of its earliest identified event (ties: lowest event_id),
-- found by aggregates rather than a sort
first_identifications as (
    select
        anonymous_id,
        min(event_ts) as first_identified_ts
    from identified_events
    group by anonymous_id
),

first_identification_events as (
    select
        identified_events.anonymous_id,
        identified_events.customer_id,
        identified_events.event_id
    from identified_events
    inner join first_identifications
        on
            identified_events.anonymous_id = first_identifications.anonymous_id
            and identified_events.event_ts = first_identifications.first_identified_ts
),

first_identification_event_ids as (
    select
        anonymous_id,
        min(event_id) as event_id
    from first_identification_events
    group by anonymous_id
),

device_owners as (
    select
        first_identification_events.anonymous_id,
        first_identification_events.customer_id
    from first_identification_events
    inner join first_identification_event_ids
        on first_identification_events.event_id = first_identification_event_ids.event_id
),

event_visitors as (
    select
        event_keys.event_id,
        event_keys.customer_id,
        event_keys.anonymous_id,
        event_keys.event_ts,
        event_keys.event_date,
        event_keys.loaded_at,
        {{ visitor_key.format(events='event_keys') }} as visitor_key
    from event_keys
    left join device_owners on event_keys.anonymous_id = device_owners.anonymous_id
),

{% if is_incremental() %}
-- the stored rows are read from the table at each use, never through a CTE that DuckDB would
-- keep a copy of (DECISIONS.md, performance notes); each use reads a few narrow columns of them

-- event versions loaded since the last run: new, late, re-delivered or re-evaluated events
gained_events as (
    select
        gained.event_id,
        {{ visitor_key.format(events='gained') }} as visitor_key,
        gained.customer_id,
        gained.anonymous_id,
        gained.event_ts
    from {{ ref('stg_shop__events') }} as gained
    left join device_owners on gained.anonymous_id = device_owners.anonymous_id
    where gained.loaded_at > {{ latest_loaded_at() }}
),

-- stored events replaced by such a version, or no longer among the clean events (when the counts
-- above say there may be such an event)
lost_events as (
    select
        visitor_key,
        customer_id,
        anonymous_id,
        event_ts
    from {{ this }}
    where
        event_id in (select gained_events.event_id from gained_events)
        {%- if may_have_lost_events %}
        or event_id not in (select clean.event_id from {{ ref('stg_shop__events') }} as clean)
        {%- endif %}
),

-- a device's owner can change only when one of its identified events was gained or lost; its
-- anonymous events then move from the visitor they were sessionized with to the one they have now
reidentified_devices as (
    select anonymous_id from gained_events
    where customer_id is not null and anonymous_id is not null
    union
    select anonymous_id from lost_events
    where customer_id is not null and anonymous_id is not null
),

moved_device_events as (
    select
        {{ visitor_key.format(events='before') }} as visitor_key,
        before.visitor_key as visitor_key_before,
        before.event_ts
    from {{ this }} as before
    inner join reidentified_devices on before.anonymous_id = reidentified_devices.anonymous_id
    left join device_owners on before.anonymous_id = device_owners.anonymous_id
    where
        before.customer_id is null
        and before.visitor_key != {{ visitor_key.format(events='before') }}
),

-- events whose local date moved though they were not reloaded
{% if zone_state is not none -%}
-- customers whose country changed since the state was stored (the countries' zones are unchanged)
time_zones_now as (
    {{ sessionization_time_zones() }}
),

moved_customers as (
    select time_zones_now.customer_id
    from time_zones_now
    inner join {{ zone_state }} as time_zones_before
        on time_zones_now.customer_id = time_zones_before.customer_id
    where time_zones_now.country_code is distinct from time_zones_before.country_code
),

redated_events as (
    select
        before.visitor_key,
        before.event_ts
    from {{ this }} as before
    inner join moved_customers on before.customer_id = moved_customers.customer_id
),
{%- else -%}
-- no usable state: every event's local date compared with its stored one
redated_events as (
    select
        before.visitor_key,
        before.event_ts
    from {{ this }} as before
    inner join {{ ref('stg_shop__events') }} as clean on before.event_id = clean.event_id
    where before.event_date != clean.event_date
),
{%- endif %}

-- per visitor, the earliest event that can change its sessions: one it gained or one it lost
changed_from as (
    select
        visitor_key,
        min(event_ts) as changed_from_ts
    from (
        select
            visitor_key,
            event_ts
        from gained_events
        union all
        select
            visitor_key,
            event_ts
        from lost_events
        union all
        select
            visitor_key,
            event_ts
        from moved_device_events
        union all
        select
            visitor_key_before as visitor_key,
            event_ts
        from moved_device_events
        union all
        select
            visitor_key,
            event_ts
        from redated_events
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
    from {{ this }} as before
    inner join changed_from on before.visitor_key = changed_from.visitor_key
    where before.event_ts < changed_from.changed_from_ts
    group by before.visitor_key, before.session_number
),

-- a later session starts later, so the latest start and the highest number are the same session's
restart_points as (
    select
        visitor_key,
        max(session_start_ts) as restart_ts,
        max(session_number) - 1 as session_number_offset
    from sessions_before_change
    group by visitor_key
),
{% endif %}

events_to_sessionize as (
    select
        event_visitors.event_id,
        event_visitors.event_ts,
        event_visitors.visitor_key,
        {{ time_bucket.format(event_ts='event_visitors.event_ts') }} as time_bucket,
        {% if is_incremental() -%}
            coalesce(restart_points.session_number_offset, 0)
        {%- else -%}
            0
        {%- endif %} as session_number_offset
    from event_visitors
    {% if is_incremental() %}
        inner join changed_from on event_visitors.visitor_key = changed_from.visitor_key
        left join restart_points on event_visitors.visitor_key = restart_points.visitor_key
        where restart_points.restart_ts is null or event_visitors.event_ts >= restart_points.restart_ts
    {% endif %}
),

-- each bucket with its first and last event; the event that opens it is the first by time (ties:
-- lowest event_id, the order the sessions follow), found in the same aggregate so that the events
-- are read once (DuckDB keeps a copy of a CTE read twice: at scale 3 it did not fit in 4 GB)
buckets as (
    select
        visitor_key,
        time_bucket,
        min(session_number_offset) as session_number_offset,
        min(event_ts) as first_event_ts,
        max(event_ts) as last_event_ts,
        {{ value_of_first('event_id', ['event_ts', 'event_id']) }} as first_event_id
    from events_to_sessionize
    group by visitor_key, time_bucket
),

-- a bucket opens a session when the bucket before it is empty (nothing earlier can be within the
-- timeout) or its last event is more than the timeout before this bucket's first
flagged_buckets as (
    select
        buckets.visitor_key,
        buckets.time_bucket,
        buckets.first_event_ts,
        buckets.session_number_offset,
        buckets.first_event_id,
        case
            when previous_bucket.last_event_ts is null then 1
            when
                {{ dbt.datediff('previous_bucket.last_event_ts', 'buckets.first_event_ts', 'second') }}
                > {{ var('session_timeout_minutes') }} * 60
                then 1
            else 0
        end as is_session_start
    from buckets
    left join buckets as previous_bucket
        on
            buckets.visitor_key = previous_bucket.visitor_key
            and buckets.time_bucket - 1 = previous_bucket.time_bucket
),

numbered_buckets as (
    select
        *,
        session_number_offset + sum(is_session_start) over (
            partition by visitor_key
            order by time_bucket asc
            rows between unbounded preceding and current row
        ) as session_number
    from flagged_buckets
),

-- what each event takes from its bucket, kept narrow: the join below holds it in memory (at scale
-- 3, with the session id in it, it did not fit in 4 GB); the session id is computed per event
bucket_sessions as (
    select
        visitor_key,
        time_bucket,
        {% if is_incremental() -%}
            first_event_ts,
        {% endif -%}
        session_number,
        -- the event that opens a session, when this bucket opens one
        case when is_session_start = 1 then first_event_id end as session_start_event_id
    from numbered_buckets
),

stitched as (
    select
        events.*,
        coalesce(events.customer_id, device_owners.customer_id) as stitched_customer_id,
        {{ visitor_key.format(events='events') }} as visitor_key,
        {{ time_bucket.format(event_ts='events.event_ts') }} as time_bucket
    from events
    left join device_owners on events.anonymous_id = device_owners.anonymous_id
),

final as (
    select
        stitched.event_id,
        {{ dbt.hash(dbt.concat([
            'stitched.visitor_key', "'|'", 'cast(bucket_sessions.session_number as ' ~ dbt.type_string() ~ ')'
        ])) }} as session_id,
        stitched.visitor_key,
        stitched.stitched_customer_id,
        stitched.customer_id,
        stitched.anonymous_id,
        cast(bucket_sessions.session_number as {{ dbt.type_int() }}) as session_number,
        coalesce(stitched.event_id = bucket_sessions.session_start_event_id, false) as is_session_start,
        stitched.event_ts,
        stitched.event_date,
        stitched.event_type,
        stitched.platform,
        stitched.country_code,
        stitched.page_path,
        stitched.product_id,
        stitched.utm_source,
        stitched.utm_medium,
        stitched.utm_campaign,
        stitched.properties,
        stitched.loyalty_points,
        {{ run_started_at_utc() }} as loaded_at
    from stitched
    inner join bucket_sessions
        on
            stitched.visitor_key = bucket_sessions.visitor_key
            and stitched.time_bucket = bucket_sessions.time_bucket
    {% if is_incremental() -%}
            -- an incremental run sessionizes a visitor from its restart point on: events of the
            -- restart point's bucket before it, if any, keep their sessions
            and stitched.event_ts >= bucket_sessions.first_event_ts
    {%- endif %}
)

select * from final
