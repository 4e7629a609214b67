-- Events grouped into sessions per visitor. Identity stitching first: an anonymous_id that was
-- ever seen with a customer_id belongs to the customer of its earliest identified event, so the
-- visitor's anonymous events before they signed in join the customer's sessions. A session ends
-- after var session_timeout_minutes (30) without an event; a session is not cut at midnight
-- (a night-time visit is one visit; daily metrics use the session's start date).
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

with_gaps as (
    select
        *,
        lag(event_ts) over (partition by visitor_key order by event_ts asc, event_id asc) as previous_event_ts
    from stitched
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
        sum(is_session_start) over (
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
        loyalty_points
    from numbered
)

select * from final
