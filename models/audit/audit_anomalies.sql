-- Today's alerts: what the latest run recorded in the run history (doc block run_history) that
-- departs from the runs before it, by the rules of the doc block anomaly_rules. A view, so that
-- it always reads the newest run, including the one that built it (its on-run-end hook appends
-- after the models) and any later one.
{{ config(materialized='view') }}
{%- set window_runs = var('history_anomaly_window_runs') %}
{%- set z_threshold = var('history_anomaly_robust_z') %}

with

runs as (
    select
        run_id,
        target_name,
        started_at
    from {{ source('history', 'dbt_runs') }}
),

latest_run as (
    select * from runs
    order by started_at desc
    limit 1
),

-- the runs of the latest run's target before it, newest first
earlier_runs as (
    select
        runs.run_id,
        runs.started_at
    from runs
    inner join latest_run
        on
            runs.target_name = latest_run.target_name
            and runs.started_at < latest_run.started_at
),

-- one measure per subject and run: rows of a raw table or a mart, hours since a source's newest row
measures as (
    select
        run_id,
        'volume' as anomaly_kind,
        relation_kind || ':' || table_name as subject,
        cast(row_count as double) as measured_value
    from {{ source('history', 'row_counts') }}
    union all
    select
        run_id,
        'freshness' as anomaly_kind,
        'source:' || source_table as subject,
        lag_hours as measured_value
    from {{ source('history', 'source_freshness') }}
    where lag_hours is not null
),

current_measures as (
    select measures.*
    from measures
    inner join latest_run on measures.run_id = latest_run.run_id
),

-- the last window_runs earlier measures of each subject
baseline_measures as (
    select
        measures.anomaly_kind,
        measures.subject,
        measures.measured_value,
        row_number() over (
            partition by measures.anomaly_kind, measures.subject
            order by earlier_runs.started_at desc
        ) as runs_back
    from measures
    inner join earlier_runs on measures.run_id = earlier_runs.run_id
),

baseline_medians as (
    select
        anomaly_kind,
        subject,
        count(*) as baseline_runs,
        median(measured_value) as baseline_median
    from baseline_measures
    where runs_back <= {{ window_runs }}
    group by anomaly_kind, subject
),

baselines as (
    select
        baseline_medians.anomaly_kind,
        baseline_medians.subject,
        baseline_medians.baseline_runs,
        baseline_medians.baseline_median,
        median(abs(baseline_measures.measured_value - baseline_medians.baseline_median))
            as baseline_mad
    from baseline_medians
    inner join baseline_measures
        on
            baseline_medians.anomaly_kind = baseline_measures.anomaly_kind
            and baseline_medians.subject = baseline_measures.subject
            and baseline_measures.runs_back <= {{ window_runs }}
    group by
        baseline_medians.anomaly_kind,
        baseline_medians.subject,
        baseline_medians.baseline_runs,
        baseline_medians.baseline_median
),

scored as (
    select
        current_measures.anomaly_kind,
        current_measures.subject,
        current_measures.measured_value,
        baselines.baseline_median,
        baselines.baseline_runs,
        baselines.baseline_mad,
        current_measures.measured_value - baselines.baseline_median as deviation
    from current_measures
    inner join baselines
        on
            current_measures.anomaly_kind = baselines.anomaly_kind
            and current_measures.subject = baselines.subject
),

-- the modified z-score (Iglewicz and Hoaglin); null when the baseline does not vary
robust_scores as (
    select
        *,
        0.6745 * deviation / nullif(baseline_mad, 0) as robust_z,
        cast(round(100 * deviation / nullif(baseline_median, 0)) as bigint) as change_percent
    from scored
),

measure_anomalies as (
    select
        anomaly_kind,
        subject,
        measured_value,
        baseline_median,
        robust_z,
        case
            when anomaly_kind = 'volume'
                then concat(
                    subject, ': ', cast(measured_value as bigint), ' rows, the median of the last ',
                    baseline_runs, ' run(s) ', cast(baseline_median as bigint),
                    ' (', coalesce(change_percent || '%', 'none before'), ')'
                )
            else concat(
                subject, ': newest row ', round(measured_value, 1), ' hours old, the median of the last ',
                baseline_runs, ' run(s) ', round(baseline_median, 1), ' hours'
            )
        end as alert_message
    from robust_scores
    where
        (robust_z is null or abs(robust_z) > {{ z_threshold }})
        and (
            (
                anomaly_kind = 'volume'
                and abs(deviation) > {{ var('history_volume_min_relative_change') }} * baseline_median
            )
            or (
                anomaly_kind = 'freshness'
                and deviation > {{ var('history_freshness_extra_lag_hours') }}
            )
        )
),

test_runs as (
    select
        test_results.test_unique_id,
        test_results.test_name,
        test_results.model_name,
        test_results.status,
        test_results.failures,
        runs.run_id,
        runs.started_at
    from {{ source('history', 'test_results') }} as test_results
    inner join runs on test_results.run_id = runs.run_id
    inner join latest_run on runs.target_name = latest_run.target_name
),

current_tests as (
    select test_runs.*
    from test_runs
    inner join latest_run on test_runs.run_id = latest_run.run_id
    where test_runs.status in ('fail', 'error', 'warn')
),

-- per failing test: its last earlier result and when it last passed
test_streaks as (
    select
        current_tests.test_unique_id,
        current_tests.test_name,
        current_tests.model_name,
        current_tests.status,
        current_tests.failures,
        max(case when earlier.status = 'pass' then earlier.started_at end) as last_passed_at,
        max(earlier.started_at) as last_earlier_at
    from current_tests
    left join test_runs as earlier
        on
            current_tests.test_unique_id = earlier.test_unique_id
            and current_tests.started_at > earlier.started_at
    group by
        current_tests.test_unique_id,
        current_tests.test_name,
        current_tests.model_name,
        current_tests.status,
        current_tests.failures
),

test_anomalies as (
    select
        'test_failure_streak' as anomaly_kind,
        'test:' || test_streaks.test_name as subject,
        cast(count(test_runs.run_id) as double) as measured_value,
        cast(null as double) as baseline_median,
        cast(null as double) as robust_z,
        concat(
            test_streaks.test_name, ' on ', coalesce(test_streaks.model_name, '?'), ': ',
            test_streaks.status, coalesce(' (' || test_streaks.failures || ' failing rows)', ''), ' in ',
            count(test_runs.run_id), ' run(s) in a row'
        ) as alert_message
    from test_streaks
    inner join test_runs
        on
            test_streaks.test_unique_id = test_runs.test_unique_id
            and test_runs.started_at > coalesce(test_streaks.last_passed_at, cast('1900-01-01' as timestamp))
    where
        test_streaks.status in ('fail', 'error')
        -- a warning alerts on the run it starts: the previous result of the test was a pass
        or test_streaks.last_passed_at = test_streaks.last_earlier_at
    group by
        test_streaks.test_unique_id,
        test_streaks.test_name,
        test_streaks.model_name,
        test_streaks.status,
        test_streaks.failures
),

-- the quality checkpoint run on the latest build (after it started), if any
latest_quality_run as (
    select
        quality_results.run_id,
        max(quality_results.run_at) as run_at
    from {{ source('history', 'quality_results') }} as quality_results
    inner join latest_run on quality_results.run_at >= latest_run.started_at
    group by quality_results.run_id
    order by run_at desc
    limit 1
),

quality_anomalies as (
    select
        'quality' as anomaly_kind,
        'mart:' || quality_results.mart as subject,
        cast(quality_results.failed as double) as measured_value,
        cast(null as double) as baseline_median,
        cast(null as double) as robust_z,
        concat(
            quality_results.mart, ': ', quality_results.failed, ' of ', quality_results.expectations,
            ' expectation(s) failed in the quality checkpoint of ',
            strftime(latest_quality_run.run_at, '%Y-%m-%d %H:%M'), ' UTC (',
            quality_results.error_failures, ' error, ', quality_results.warning_failures,
            ' warning: drift or a range)'
        ) as alert_message
    from {{ source('history', 'quality_results') }} as quality_results
    inner join latest_quality_run on quality_results.run_id = latest_quality_run.run_id
    where quality_results.failed > 0
),

anomalies as (
    select * from measure_anomalies
    union all
    select * from test_anomalies
    union all
    select * from quality_anomalies
),

final as (
    select
        anomalies.anomaly_kind || ':' || anomalies.subject as anomaly_id,
        latest_run.run_id,
        latest_run.started_at as run_started_at,
        anomalies.anomaly_kind,
        anomalies.subject,
        anomalies.measured_value,
        anomalies.baseline_median,
        anomalies.robust_z,
        anomalies.alert_message
    from anomalies
    cross join latest_run
)

select
    anomaly_id,
    run_id,
    run_started_at,
    anomaly_kind,
    subject,
    measured_value,
    baseline_median,
    robust_z,
    alert_message
from final
