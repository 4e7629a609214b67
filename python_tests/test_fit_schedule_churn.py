"""The churn fits on the refit schedule (engagement_warehouse.churn.tables): the stored parameters
score exactly as the fitted model, a run keeps a stored fit only while the labelled snapshots and
the anchor are unchanged, and the SQL anchor (macro fit_anchor_date) is the Python one."""

from __future__ import annotations

import json
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pytest

from engagement_warehouse.churn import tables as churn_tables
from engagement_warehouse.churn.model import ChurnSettings
from engagement_warehouse.clv.fitting import FitSettings
from engagement_warehouse.fit_schedule import anchor_date

from .conftest import run_dbt
from .test_churn import synthetic

SETTINGS = ChurnSettings(min_training_persons=100, min_training_churners=10)
# the evaluate snapshot of synthetic() is 2024-04-01, its labels end 90 days later
ANCHOR = date(2024, 1, 1) + timedelta(days=91 + 90)


def snapshots_of(anchor: date = ANCHOR) -> pa.Table:
    return pa.Table.from_pylist([
        {"snapshot_role": "train", "snapshot_date": anchor - timedelta(days=180), "label_end_date": anchor - timedelta(days=90)},
        {"snapshot_role": "evaluate", "snapshot_date": anchor - timedelta(days=90), "label_end_date": anchor},
        {"snapshot_role": "score", "snapshot_date": anchor + timedelta(days=3), "label_end_date": None},
    ])


def through_duckdb(table: pa.Table) -> pa.Table:
    """The table as a dbt model reads it back from the warehouse."""
    with duckdb.connect() as con:
        con.register("t", table)
        con.sql("create table stored as select * from t")
        return con.sql("select * from stored").to_arrow_table()


def forbid_fitting(monkeypatch):
    def no_fit(*args, **kwargs):
        raise AssertionError("fitted although the stored fit was kept")
    monkeypatch.setattr(churn_tables, "fit", no_fit)


@pytest.mark.parametrize("persons", [400, 50])
def test_the_stored_parameters_score_exactly_as_the_fitted_model(persons):
    features, labels = synthetic(persons)
    params = through_duckdb(churn_tables.model_params(features, labels, snapshots_of(), SETTINGS))
    fitted = churn_tables.scores(features, labels, SETTINGS)
    from_params = churn_tables.scores_from_params(features, params)
    # bit for bit: the same probabilities, drivers and contributions
    assert from_params.select(fitted.column_names).equals(fitted)
    assert set(from_params.column("churn_fit_anchor_date").to_pylist()) == {ANCHOR}
    if persons == 400:
        # a model per market and the pooled one, each an intercept and its design columns
        assert set(params.column("model_scope").to_pylist()) == {"BR", "MX", "pooled"}
        assert {row["model_status"] for row in fitted.to_pylist()} == {"ok"}
    else:
        assert params.to_pylist()[0]["model_status"] == "too_few_persons" and params.num_rows == 1
        assert set(from_params.column("churn_probability").to_pylist()) == {None}


def test_a_run_keeps_the_stored_churn_fit_while_the_labelled_snapshots_are_unchanged(monkeypatch):
    features, labels = synthetic(400)
    params = churn_tables.model_params(features, labels, snapshots_of(), SETTINGS)
    evaluated = churn_tables.scheduled_evaluation(features, labels, snapshots_of(), SETTINGS, 100, FitSettings())
    # the next day: the score snapshot moved and its features changed; train and evaluate did not
    score = [row for row in features.to_pylist() if row["snapshot_role"] == "score"]
    next_day = pa.Table.from_pylist(
        [row for row in features.to_pylist() if row["snapshot_role"] != "score"]
        + [{**row, "snapshot_date": row["snapshot_date"] + timedelta(days=1), "recency_days": row["recency_days"] + 1}
           for row in score], schema=features.schema)
    with monkeypatch.context() as patched:
        forbid_fitting(patched)
        kept = churn_tables.model_params(next_day, labels, snapshots_of(), SETTINGS, through_duckdb(params))
        kept_evaluation = churn_tables.scheduled_evaluation(next_day, labels, snapshots_of(), SETTINGS, 100,
                                                            FitSettings(), through_duckdb(evaluated))
    assert kept.equals(params) and kept_evaluation.equals(evaluated)
    # and the day's scores from the kept parameters are those of a fit from nothing
    assert churn_tables.scores_from_params(next_day, kept).select(churn_tables.SCORES_SCHEMA.names).equals(
        churn_tables.scores(next_day, labels, SETTINGS))


@pytest.mark.parametrize("change", ["late_label", "erased_person", "setting", "new_anchor"])
def test_a_changed_labelled_snapshot_setting_or_anchor_refits_and_equals_a_fit_from_nothing(change):
    features, labels = synthetic(400)
    stored = through_duckdb(churn_tables.model_params(features, labels, snapshots_of(), SETTINGS))
    stored_evaluation = through_duckdb(churn_tables.scheduled_evaluation(features, labels, snapshots_of(), SETTINGS,
                                                                         100, FitSettings()))
    settings, snapshots = SETTINGS, snapshots_of()
    if change == "late_label":
        # a late order before the anchor: one evaluate-snapshot person did not churn after all
        rows = labels.to_pylist()
        first = next(i for i, row in enumerate(rows) if row["snapshot_role"] == "evaluate" and row["is_churned"])
        rows[first] = {**rows[first], "is_churned": False}
        labels = pa.Table.from_pylist(rows, schema=labels.schema)
    elif change == "erased_person":
        keep = [row["person_key"] != "p0007" for row in features.to_pylist()]
        features = features.filter(pa.array(keep))
        labels = labels.filter(pa.array([row["person_key"] != "p0007" for row in labels.to_pylist()]))
    elif change == "setting":
        settings = ChurnSettings(min_training_persons=100, min_training_churners=11)
    else:
        snapshots = snapshots_of(ANCHOR + timedelta(days=7))
    refitted = churn_tables.model_params(features, labels, snapshots, settings, stored)
    fresh = churn_tables.model_params(features, labels, snapshots, settings)
    assert refitted.equals(fresh)
    assert refitted.column("churn_fit_fingerprint")[0] != stored.column("churn_fit_fingerprint")[0]
    evaluation = churn_tables.scheduled_evaluation(features, labels, snapshots, settings, 100, FitSettings(),
                                                   stored_evaluation)
    assert evaluation.equals(churn_tables.scheduled_evaluation(features, labels, snapshots, settings, 100, FitSettings()))
    assert evaluation.column("churn_fit_fingerprint")[0] != stored_evaluation.column("churn_fit_fingerprint")[0]


EVERY_DAYS = (1, 2, 7, 30)


def test_the_sql_anchor_is_the_python_anchor_over_a_range_of_days(tmp_path):
    """The macro fit_anchor_date (dbt show on DuckDB) against fit_schedule.anchor_date, for N in
    EVERY_DAYS and every day from 1969-12-01 to 2027-01-31; with N = 1 the macro gives the day
    itself (Python: no anchor)."""
    sql = " union all ".join(
        f"select {n} as every_days, cast(day as date) as day, "
        f"{{{{ fit_anchor_date('cast(day as date)', {n}) }}}} as anchor "
        "from range(date '1969-12-01', date '2027-02-01', interval 1 day) as days(day)" for n in EVERY_DAYS)
    shown = run_dbt(["show", "--inline", sql, "--limit", "-1", "--output", "json", "--log-format", "text"],
                    tmp_path, tmp_path)
    assert shown.returncode == 0, shown.output[-3000:]
    start = shown.output.index('"show"')
    rows = json.JSONDecoder().raw_decode(shown.output[shown.output.rindex("{", 0, start):])[0]["show"]
    assert len(rows) == len(EVERY_DAYS) * (date(2027, 2, 1) - date(1969, 12, 1)).days
    for row in rows:
        day, anchor = date.fromisoformat(row["day"]), date.fromisoformat(row["anchor"])
        assert anchor == (anchor_date(day, row["every_days"]) or day), row
