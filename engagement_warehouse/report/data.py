"""What the report plots, read from the marts of a built warehouse opened read-only.

One query per chart. Each returns the mart's own values: rows are filtered and sorted, never
smoothed or re-estimated, and no business rule of the marts is written again here or in
`figures`. Where a chart re-aggregates a mart (regional engagement over months, states or
countries; feedback over countries), it does so in these queries, as the mart's description asks:
- a rate that is a plain numerator ÷ denominator is the ratio of the summed columns the mart puts
  beside it (`conversion_rate` = sum of `purchase_sessions` ÷ sum of `sessions`);
- a score whose formula lives in the project's macros (NPS, `nps_score`) or whose numerator the
  mart does not carry (mean CSAT score, mean review rating) is the mean of the mart's own value
  weighted by its answers: equal to the formula on the summed counts, without restating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA = "marts"
# Every mart a chart reads; the report stops with one message naming all that are missing.
REQUIRED_MARTS = (
    "fct_orders",
    "dim_customers",
    "cohort_retention",
    "retention_curves",
    "retention_projection",
    "customer_lifetime_value",
    "clv_cac_by_channel",
    "regional_engagement",
    "feedback_summary",
    "churn_model_evaluation",
    "sentiment_model_evaluation",
    "experiment_results",
    "engagement_weight_suggestions",
    "cohort_membership_spells",
    "cohort_entry_outcomes",
)
# The report reads monthly cohorts only (the marts also hold ISO-week cohorts).
COHORT_GRAIN = "month"
# Segment types offered by the retention-curve chart, the first shown on opening.
RETENTION_SEGMENT_TYPES = ("loyalty_member", "sub_region", "country", "acquisition_channel", "first_order_channel")
# Calendar months summed by the regional chart, the as-of date's month the last of them.
REGIONAL_WINDOW_MONTHS = 12


class ReportError(Exception):
    """The warehouse cannot be read, or lacks a mart the report needs."""


@dataclass(frozen=True)
class ReportData:
    as_of_date: date
    cohorts: pd.DataFrame
    curves: pd.DataFrame
    projection: pd.DataFrame
    clv: pd.DataFrame
    clv_cac: pd.DataFrame
    regional_countries: pd.DataFrame
    regional_states: pd.DataFrame
    regional_months: tuple[date, date]
    feedback: pd.DataFrame
    feedback_all_countries: pd.DataFrame
    churn: pd.DataFrame
    sentiment: pd.DataFrame
    experiments: pd.DataFrame
    dynamic_cohorts: pd.DataFrame
    country_names: dict[str, str]
    # issue 21: per market and engagement signal, configured and suggested weight and validation
    signals: pd.DataFrame
    # None when the file holds no run history (not built by dbt on DuckDB)
    run_history: RunHistory | None = None


@dataclass(frozen=True)
class RunHistory:
    """The latest runs of the latest run's target (history.dbt_runs), the rows of every raw source
    table at each of them (history.row_counts) and the latest run's alerts (audit.audit_anomalies)."""
    runs: pd.DataFrame
    source_rows: pd.DataFrame
    alerts: pd.DataFrame


# The last day of data as the warehouse decides it (int_data_end, carried by fct_orders as
# data_end_date): the report does not compute it again.
AS_OF_SQL = f"select max(data_end_date) from {SCHEMA}.fct_orders"

COUNTRY_NAMES_SQL = f"""
    select country_code, min(country_name) as country_name
    from {SCHEMA}.dim_customers
    where country_name is not null
    group by country_code
"""

# Complete periods only: the period holding the last day of data is flagged partial by the mart
# and would read as a drop.
COHORTS_SQL = f"""
    select
        cohort_start,
        period_number,
        cohort_size,
        active_customers,
        retention_rate,
        cast(cumulative_net_revenue_usd_per_customer as double) as cumulative_net_revenue_usd_per_customer
    from {SCHEMA}.cohort_retention
    where segment_type = 'all' and cohort_grain = $grain and not is_partial_period
    order by cohort_start, period_number
"""

CURVES_SQL = f"""
    select
        segment_type,
        segment_value,
        period_number,
        cohorts,
        customers,
        unbounded_active_customers,
        unbounded_retention_rate,
        cast(cumulative_net_revenue_usd_per_customer as double) as cumulative_net_revenue_usd_per_customer
    from {SCHEMA}.retention_curves
    where cohort_grain = $grain and (segment_type = 'all' or list_contains($segment_types, segment_type))
    order by segment_type, segment_value, period_number
"""

PROJECTION_SQL = f"""
    select
        segment_type,
        segment_value,
        period_number,
        projected_survival,
        fit_status,
        fit_reason,
        fit_cohorts,
        fit_customers,
        fit_periods
    from {SCHEMA}.retention_projection
    where cohort_grain = $grain and (segment_type = 'all' or list_contains($segment_types, segment_type))
    order by segment_type, segment_value, period_number
"""

CLV_SQL = f"""
    select
        cast(predicted_clv_12m_usd as double) as predicted_clv_12m_usd,
        model_status
    from {SCHEMA}.customer_lifetime_value
"""

CLV_CAC_SQL = f"""
    select
        country_code,
        acquisition_channel,
        window_end_date,
        cast(spend_usd as double) as spend_usd,
        new_customers,
        cast(cac_usd as double) as cac_usd,
        cast(value_per_customer_usd as double) as value_per_customer_usd,
        clv_to_cac_ratio
    from {SCHEMA}.clv_cac_by_channel
    order by acquisition_channel, country_code
"""

# Regional sums over the window, from the state rows only (the sub-region rows roll the same
# states up again); {keys} is the grain: the country, or the country and the state.
REGIONAL_SQL = f"""
    select
        {{keys}},
        cast(sum(net_revenue_usd) as double) as net_revenue_usd,
        sum(orders) as orders,
        sum(new_customers) as new_customers,
        sum(sessions) as sessions,
        sum(purchase_sessions) as purchase_sessions,
        sum(whatsapp_sessions) as whatsapp_sessions,
        sum(purchase_sessions) / nullif(sum(sessions), 0) as conversion_rate,
        sum(whatsapp_sessions) / nullif(sum(sessions), 0) as whatsapp_session_share
    from {SCHEMA}.regional_engagement
    where geo_level = 'state' and activity_month between $first_month and $last_month
    group by {{keys}}
    order by {{keys}}
"""
REGIONAL_COUNTRIES_SQL = REGIONAL_SQL.format(keys="country_code")
REGIONAL_STATES_SQL = REGIONAL_SQL.format(keys="country_code, state_region")

# The treatment variants' lifts on the retention metrics and the primary metric, with their 95%
# intervals (plain and CUPED) and the experiment's sample-ratio flag.
EXPERIMENTS_SQL = f"""
    select
        experiment_id,
        variant,
        metric_name,
        is_primary_metric,
        eligible_units,
        control_mean_value,
        absolute_lift,
        absolute_lift_ci_lower,
        absolute_lift_ci_upper,
        cuped_absolute_lift,
        cuped_absolute_lift_ci_lower,
        cuped_absolute_lift_ci_upper,
        p_value,
        has_sample_ratio_mismatch
    from {SCHEMA}.experiment_results
    where not is_control and (metric_name like 'retained_%' or is_primary_metric)
    order by experiment_id, variant, metric_name
"""

# Per comment language, the method in use and both methods' metrics on the training comments.
SENTIMENT_SQL = f"""
    select
        language,
        sentiment_method,
        is_method_in_use,
        scoring_status,
        status_reason,
        comments,
        rated_comments,
        training_comments,
        negative_comments,
        positive_comments,
        auc,
        precision_negative,
        recall_negative
    from {SCHEMA}.sentiment_model_evaluation
    order by language, sentiment_method
"""

# Per dynamic cohort (issue 21): its spells and current members (cohort_membership_spells), and
# what followed entry summed over the entry months (cohort_entry_outcomes): retention as the
# ratio of the summed retained and eligible entries, the churn score as the mean weighted by the
# scored entries (the mart's mean of each month times its scored entries, summed).
DYNAMIC_COHORTS_SQL = f"""
    with

    spells as (
        select
            cohort_name,
            any_value(rule_kind) as rule_kind,
            count(*) as spells,
            count(distinct person_key) as persons,
            count(*) filter (where is_current_member) as current_members
        from {SCHEMA}.cohort_membership_spells
        group by cohort_name
    ),

    outcomes as (
        select
            cohort_name,
            sum(entries) as entries,
            sum(orders_after_entry) as orders_after_entry,
            sum(net_revenue_usd_after_entry) as net_revenue_usd_after_entry,
            sum(eligible_entries_30d) as eligible_entries_30d,
            sum(retained_entries_30d) as retained_entries_30d,
            sum(eligible_entries_90d) as eligible_entries_90d,
            sum(retained_entries_90d) as retained_entries_90d,
            sum(scored_entries) as scored_entries,
            sum(mean_churn_probability * scored_entries) / nullif(sum(scored_entries), 0) as mean_churn_probability
        from {SCHEMA}.cohort_entry_outcomes
        group by cohort_name
    )

    select
        spells.cohort_name,
        spells.rule_kind,
        spells.spells,
        spells.persons,
        spells.current_members,
        outcomes.orders_after_entry,
        outcomes.net_revenue_usd_after_entry,
        outcomes.eligible_entries_30d,
        outcomes.retained_entries_30d / nullif(outcomes.eligible_entries_30d, 0) as retention_30d_rate,
        outcomes.eligible_entries_90d,
        outcomes.retained_entries_90d / nullif(outcomes.eligible_entries_90d, 0) as retention_90d_rate,
        outcomes.scored_entries,
        outcomes.mean_churn_probability
    from spells
    left join outcomes on spells.cohort_name = outcomes.cohort_name
    order by spells.cohort_name
"""

# The survey measures per country and month, as the mart has them: NPS (`nps`), CSAT as the share
# of satisfied answers (`csat_satisfied_rate`) beside the mean CSAT score, the mean review rating.
FEEDBACK_SQL = f"""
    select
        country_code,
        activity_month,
        nps_responses,
        promoters,
        passives,
        detractors,
        nps,
        csat_responses,
        csat_satisfied,
        csat_satisfied_rate,
        average_csat_score,
        reviews,
        average_review_rating
    from {SCHEMA}.feedback_summary
    where nps_responses > 0 or csat_responses > 0 or reviews > 0
    order by country_code, activity_month
"""

# The same measures over all countries per month (see the module's docstring for the weighting).
FEEDBACK_ALL_COUNTRIES_SQL = f"""
    select
        'all' as country_code,
        activity_month,
        sum(nps_responses) as nps_responses,
        sum(promoters) as promoters,
        sum(passives) as passives,
        sum(detractors) as detractors,
        sum(nps * nps_responses) / nullif(sum(nps_responses), 0) as nps,
        sum(csat_responses) as csat_responses,
        sum(csat_satisfied) as csat_satisfied,
        cast(sum(csat_satisfied) as double) / nullif(sum(csat_responses), 0) as csat_satisfied_rate,
        sum(average_csat_score * csat_responses) / nullif(sum(csat_responses), 0) as average_csat_score,
        sum(reviews) as reviews,
        sum(average_review_rating * reviews) / nullif(sum(reviews), 0) as average_review_rating
    from {SCHEMA}.feedback_summary
    where nps_responses > 0 or csat_responses > 0 or reviews > 0
    group by activity_month
    order by activity_month
"""


# Per market and weighted engagement signal (issue 21): the seed's weight, the suggested one and the
# validation over the pooled quarters (doc blocks signal_validation, engagement_weight_suggestions).
SIGNAL_WEIGHTS_SQL = f"""
    select
        country_code,
        signal_name,
        configured_weight,
        suggested_weight,
        model_scope,
        model_status,
        validated_person_quarters,
        retention_lift,
        retention_lift_lower,
        retention_lift_upper,
        retention_auc,
        validation_status,
        earns_weight
    from {SCHEMA}.engagement_weight_suggestions
    order by validated_person_quarters desc nulls last, country_code, retention_lift desc nulls last, signal_name
"""


# The churn model beside the BG/NBD baseline on the time split, as the mart has it: per scorer and
# segment (all, or a country) ten decile rows with the segment's metrics on each.
CHURN_EVALUATION_SQL = f"""
    select
        scorer,
        country_code,
        decile,
        evaluation_status,
        persons,
        churners,
        auc,
        pr_auc,
        brier_score,
        top_decile_lift,
        top_decile_capture_rate,
        decile_mean_predicted,
        decile_observed_churn_rate,
        cumulative_capture_rate,
        evaluation_snapshot_date,
        label_end_date
    from {SCHEMA}.churn_model_evaluation
    order by country_code, scorer, decile
"""


# The run history (doc block run_history): the last HISTORY_RUNS runs of the target of the latest
# run, the raw rows counted at each, and the latest run's alerts as `engagement-warehouse alerts`
# prints them.
HISTORY_RUNS = 30
HISTORY_RUNS_SQL = """
    with latest as (
        select target_name from history.dbt_runs order by started_at desc limit 1
    )
    select run_id, command, target_name, started_at, status
    from history.dbt_runs
    where target_name = (select target_name from latest)
    order by started_at desc
    limit $runs
"""
HISTORY_SOURCE_ROWS_SQL = """
    select row_counts.run_id, runs.started_at, row_counts.table_name, row_counts.row_count
    from history.row_counts as row_counts
    inner join history.dbt_runs as runs on row_counts.run_id = runs.run_id
    where row_counts.relation_kind = 'source' and list_contains($run_ids, row_counts.run_id)
    order by row_counts.table_name, runs.started_at
"""
HISTORY_ALERTS_SQL = """
    select anomaly_kind, subject, alert_message
    from audit.audit_anomalies
    order by anomaly_kind, subject
"""


def load_run_history(con: duckdb.DuckDBPyConnection) -> RunHistory | None:
    present = {row[0] for row in con.execute(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema in ('history', 'audit')").fetchall()}
    if not {"history.dbt_runs", "history.row_counts", "audit.audit_anomalies"} <= present:
        return None
    runs = con.execute(HISTORY_RUNS_SQL, {"runs": HISTORY_RUNS}).df()
    return RunHistory(
        runs=runs,
        source_rows=con.execute(HISTORY_SOURCE_ROWS_SQL, {"run_ids": list(runs["run_id"])}).df(),
        alerts=con.execute(HISTORY_ALERTS_SQL).df(),
    )


def open_warehouse(database: Path) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only, after checking it holds every mart the report reads."""
    if not database.is_file():
        raise ReportError(f"no warehouse at {database}: build it first (make build)")
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise ReportError(f"cannot open {database} read-only: {error}") from error
    present = {row[0] for row in con.execute(
        "select table_name from duckdb_tables() where schema_name = $schema "
        "union select view_name from duckdb_views() where schema_name = $schema",
        {"schema": SCHEMA}).fetchall()}
    missing = [mart for mart in REQUIRED_MARTS if mart not in present]
    if missing:
        con.close()
        raise ReportError(f"{database} lacks the mart(s) {', '.join(f'{SCHEMA}.{m}' for m in missing)}: "
                          "run the build first (make build)")
    return con


def month_window(as_of: date, months: int) -> tuple[date, date]:
    """First days of the first and the last of `months` calendar months ending with as_of's month."""
    last = as_of.replace(day=1)
    index = last.year * 12 + last.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1), last


def load(database: Path) -> ReportData:
    """Everything the charts need, in one read-only session."""
    con = open_warehouse(database)
    try:
        as_of = con.execute(AS_OF_SQL).fetchone()[0]
        if as_of is None:
            raise ReportError(f"{SCHEMA}.fct_orders in {database} has no orders: nothing to report")
        first_month, last_month = month_window(as_of, REGIONAL_WINDOW_MONTHS)
        segments = {"grain": COHORT_GRAIN, "segment_types": list(RETENTION_SEGMENT_TYPES)}
        window = {"first_month": first_month, "last_month": last_month}
        return ReportData(
            as_of_date=as_of,
            cohorts=con.execute(COHORTS_SQL, {"grain": COHORT_GRAIN}).df(),
            curves=con.execute(CURVES_SQL, segments).df(),
            projection=con.execute(PROJECTION_SQL, segments).df(),
            clv=con.execute(CLV_SQL).df(),
            clv_cac=con.execute(CLV_CAC_SQL).df(),
            regional_countries=con.execute(REGIONAL_COUNTRIES_SQL, window).df(),
            regional_states=con.execute(REGIONAL_STATES_SQL, window).df(),
            regional_months=(first_month, last_month),
            feedback=con.execute(FEEDBACK_SQL).df(),
            feedback_all_countries=con.execute(FEEDBACK_ALL_COUNTRIES_SQL).df(),
            churn=con.execute(CHURN_EVALUATION_SQL).df(),
            sentiment=con.execute(SENTIMENT_SQL).df(),
            experiments=con.execute(EXPERIMENTS_SQL).df(),
            signals=con.execute(SIGNAL_WEIGHTS_SQL).df(),
            dynamic_cohorts=con.execute(DYNAMIC_COHORTS_SQL).df(),
            country_names=dict(con.execute(COUNTRY_NAMES_SQL).fetchall()),
            run_history=load_run_history(con),
        )
    except duckdb.Error as error:
        raise ReportError(f"cannot read the marts of {database}: {error}") from error
    finally:
        con.close()
