-- int_events_sessionized's compact state (DECISIONS.md, issue 22: a compact state for
-- sessionization): what decided each sessionized event's local date when the sessionization last
-- ran, one row per clean customer (its country) and per country (its business time zone). Built
-- right after int_events_sessionized (depends_on below), with the same loaded_at; the next
-- incremental run of int_events_sessionized reads this table by name, as it reads its own rows
-- (a ref would be a cycle), compares it with the customers and zones now and redoes only the
-- events of the customers whose country changed. When this table is missing, from another run
-- than the model's latest rows, or a zone changed, that run compares every event's local date.
-- depends_on: {{ ref('int_events_sessionized') }}
{{ config(materialized='table') }}

with

time_zones as (
    {{ sessionization_time_zones() }}
),

final as (
    select
        customer_id,
        country_code,
        business_timezone,
        {{ run_started_at_utc() }} as loaded_at
    from time_zones
)

select * from final
