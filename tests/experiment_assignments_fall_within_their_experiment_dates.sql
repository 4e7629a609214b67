-- An experiment whose clean assignments fall outside its dates in the experiments seed: a seed row
-- that does not describe the data (a typo, another test's id reused, pre-launch QA traffic). The
-- assignments are kept (the dates are documentation, DECISIONS.md "Issue 21: experiments"), so
-- this warns, one row per experiment. The seed's dates are local days and assigned_ts is UTC: an
-- assignment counts as outside only when its UTC date is more than one day before the start or
-- after the end, which no business time zone (UTC-12 to UTC+14) can bring back inside.
{{ config(severity='warn') }}

with

assignments as (
    select * from {{ ref('stg_shop__experiment_assignments') }}
),

experiments as (
    select * from {{ ref('experiments') }}
),

outside as (
    select
        experiments.experiment_id,
        cast(experiments.start_date as date) as start_date,
        cast(experiments.end_date as date) as end_date,
        count(*) as assignments_outside_dates,
        min(assignments.assigned_ts) as first_assigned_ts,
        max(assignments.assigned_ts) as last_assigned_ts
    from assignments
    inner join experiments on assignments.experiment_id = experiments.experiment_id
    where
        cast(assignments.assigned_ts as date)
        < cast({{ dbt.dateadd('day', -1, 'cast(experiments.start_date as date)') }} as date)
        or cast(assignments.assigned_ts as date)
        > cast({{ dbt.dateadd('day', 1, 'cast(experiments.end_date as date)') }} as date)
    group by experiments.experiment_id, experiments.start_date, experiments.end_date
)

select * from outside
