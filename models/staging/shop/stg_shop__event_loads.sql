-- Per customer id and load time, the raw event rows loaded then, clean or rejected: how an
-- incremental model finds the customers whose events a run (re)loaded, including an event that a
-- re-delivery made invalid, which stg_shop__events no longer shows (macro
-- persons_with_events_loaded_since, doc block events_loaded_since).
with

validated as (
    select * from {{ ref('base_shop__events') }}
),

final as (
    select
        customer_id,
        loaded_at,
        count(*) as event_rows,
        -- what an incremental person model needs to place the rows on days (macro
        -- events_loaded_since_by_person): the earliest timestamp, and the rows without one
        min(event_ts) as first_event_ts,
        sum(case when event_ts is null then 1 else 0 end) as rows_without_event_ts
    from validated
    -- a row without an event id was never an event (rule missing_primary_key) and is reloaded by
    -- every run that brings another one (all of them share the key ''), so it names no change
    where customer_id is not null and event_id is not null
    group by customer_id, loaded_at
)

select * from final
