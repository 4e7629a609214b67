-- fct_sessions.duration_seconds is end - start in seconds, and session_date the start's local
-- date, so within a day of its UTC date.
select
    session_id,
    session_start_ts,
    session_end_ts,
    duration_seconds,
    session_date
from {{ ref('fct_sessions') }}
where
    duration_seconds <> {{ dbt.datediff('session_start_ts', 'session_end_ts', 'second') }}
    or abs({{ dbt.datediff('cast(session_start_ts as date)', 'session_date', 'day') }}) > 1
