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
        count(*) as event_rows
    from validated
    where customer_id is not null
    group by customer_id, loaded_at
)

select * from final
