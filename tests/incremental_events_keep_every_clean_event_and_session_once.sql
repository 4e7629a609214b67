-- The incremental event models stay in step with staging: every clean event is sessionized once,
-- no event that is no longer clean stays, and fct_sessions has exactly the sessions of
-- int_events_sessionized. A drift here means an incremental run missed a change (run with
-- --full-refresh) and is reported instead of showing as slightly wrong numbers.
with

clean_events as (
    select event_id from {{ ref('stg_shop__events') }}
),

sessionized as (
    select
        event_id,
        session_id
    from {{ ref('int_events_sessionized') }}
),

sessions as (
    select session_id from {{ ref('fct_sessions') }}
),

sessionized_sessions as (
    select distinct session_id from sessionized
),

problems as (
    select
        'clean event not sessionized' as problem,
        clean_events.event_id as problem_key
    from clean_events
    left join sessionized on clean_events.event_id = sessionized.event_id
    where sessionized.event_id is null

    union all

    select
        'sessionized event not clean' as problem,
        sessionized.event_id as problem_key
    from sessionized
    left join clean_events on sessionized.event_id = clean_events.event_id
    where clean_events.event_id is null

    union all

    select
        'session missing from fct_sessions' as problem,
        sessionized_sessions.session_id as problem_key
    from sessionized_sessions
    left join sessions on sessionized_sessions.session_id = sessions.session_id
    where sessions.session_id is null

    union all

    select
        'fct_sessions row without events' as problem,
        sessions.session_id as problem_key
    from sessions
    left join sessionized_sessions on sessions.session_id = sessionized_sessions.session_id
    where sessionized_sessions.session_id is null
)

select * from problems
