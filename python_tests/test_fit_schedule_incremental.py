"""With var fit_refit_every_days 7, an incremental run equals a full refresh of the sentiment and
churn fits, the CLV fits and their marts, on a day that keeps the stored fit and on a day that crosses an anchor.

The export of Wednesday 2026-09-30 has its data end (last order) on Tuesday 2026-09-29; the 7-day
anchors are the Thursdays (1970-01-01 was one), so the first build learns from the comments up to
2026-09-24 (the churn fit from the labels up to it: train and evaluate snapshots 180 and 90 days
before; the CLV backtest's holdout ends on it). The next export (data end 2026-09-30) keeps that anchor; the one after (data end
Thursday 2026-10-01) crosses it.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from engagement_warehouse.generator import append_days, generate

from .conftest import run_dbt
from .test_incremental import differences

EXPORT_DATE = date(2026, 9, 30)
FITS = ["build", "--select", "+fct_feedback", "+sentiment_model_evaluation", "+churn_model_evaluation",
        "+customer_churn_risk", "+clv_backtest", "+clv_model_params", "+customer_lifetime_value",
        "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
        "--vars", "{fit_refit_every_days: 7}"]
EVALUATED = "intermediate.int_sentiment_model_evaluated"
SCORED = "intermediate.int_feedback_sentiment_scored"
CLASSIFIER = "intermediate.int_sentiment_classifier_params_fitted"
CHURN_FITS = ["intermediate.int_churn_model_evaluated", "intermediate.int_churn_model_params_fitted"]
BACKTEST = "intermediate.int_clv_backtest_fitted"
CLV_PARAMS = "intermediate.int_clv_model_params_fitted"
CHURN_MARTS = ["marts.churn_model_evaluation", "marts.customer_churn_risk", "intermediate.int_persons_churn_scored"]


def fits_of(run) -> set[tuple]:
    return set(run.query(f"select distinct sentiment_fit_anchor_date, sentiment_fit_fingerprint from {EVALUATED}"))


@pytest.fixture(scope="module")
def daily_runs(tmp_path_factory) -> list[dict]:
    """The first build, then two appended days, each built incrementally (on the warehouse of the
    day before) and as a full refresh; per build what the tests check, read before the next day
    changes the warehouse."""
    work = tmp_path_factory.mktemp("fit_schedule")
    raw = work / "raw"
    generate(raw, scale=0.01, seed=42, end=EXPORT_DATE)
    first = run_dbt(FITS, raw, work / "incremental")
    assert first.returncode == 0, first.output[-3000:]
    days = [facts(first)]
    for day in (1, 2):
        append_days(raw, days=1)
        # the full refresh starts from the same warehouse as the incremental run
        (work / f"full_{day}").mkdir()
        shutil.copy(work / "incremental" / "warehouse.duckdb", work / f"full_{day}" / "warehouse.duckdb")
        incremental = run_dbt(FITS, raw, work / "incremental")
        assert incremental.returncode == 0, incremental.output[-3000:]
        full = run_dbt([*FITS, "--full-refresh"], raw, work / f"full_{day}")
        assert full.returncode == 0, full.output[-3000:]
        days.append({**facts(incremental), "differences": differences(incremental, full)})
    return days


def facts(run) -> dict:
    return {
        "data_end": run.query("select data_end_date from intermediate.int_data_end")[0][0],
        "fits": set(run.query(f"select distinct sentiment_fit_anchor_date, sentiment_fit_fingerprint from {EVALUATED}")),
        "score_anchors": {row[0] for row in run.query(f"select distinct sentiment_fit_anchor_date from {SCORED}")},
        "mart_anchors": {row[0] for row in run.query("select distinct sentiment_fit_anchor_date from marts.fct_feedback"
                                                     " where sentiment_method is not null")},
        "scores": set(run.query(f"select * from {SCORED}")),
        "classifier_fits": set(run.query(f"select distinct sentiment_fit_anchor_date, sentiment_fit_fingerprint"
                                         f" from {CLASSIFIER}")),
        "score_fits": set(run.query(f"select distinct sentiment_fit_anchor_date, sentiment_fit_fingerprint from {SCORED}")),
        "classifier_methods": {row[0] for row in run.query(
            f"select distinct coalesce(language, 'unknown') from {SCORED} join staging.stg_shop__feedback"
            " using (feedback_id) where sentiment_method = 'classifier'")},
        "classifier_languages": {row[0] for row in run.query(f"select distinct language from {CLASSIFIER}")},
        "churn_fits": {table: set(run.query(f"select distinct churn_fit_anchor_date, churn_fit_fingerprint from {table}"))
                       for table in CHURN_FITS},
        "churn_mart_anchors": {row[0] for table in CHURN_MARTS
                               for row in run.query(f"select distinct churn_fit_anchor_date from {table}")},
        "backtest_fits": set(run.query(f"select distinct clv_fit_anchor_date, clv_fit_fingerprint from {BACKTEST}")),
        "clv_params_fits": set(run.query(f"select distinct clv_fit_anchor_date, clv_fit_fingerprint from {CLV_PARAMS}")),
        "backtest_ends": set(run.query("select distinct calibration_end_date, observation_end_date, clv_fit_anchor_date"
                                       " from marts.clv_backtest")),
        "churn_snapshots": dict(run.query("select snapshot_role, snapshot_date from intermediate.int_churn_snapshots")),
    }


def test_the_first_build_learns_up_to_the_thursday_before_the_data_end(daily_runs):
    first = daily_runs[0]
    assert first["data_end"] == date(2026, 9, 29)
    assert [anchor for anchor, _ in first["fits"]] == [date(2026, 9, 24)]
    assert first["score_anchors"] == first["mart_anchors"] == {date(2026, 9, 24)}
    # the classifier's rows: the scores' fit, one set per language the classifier scores
    assert first["classifier_fits"] <= first["score_fits"] and len(first["score_fits"]) == 1
    assert first["classifier_languages"] == first["classifier_methods"]
    for fits in first["churn_fits"].values():
        assert [anchor for anchor, _ in fits] == [date(2026, 9, 24)]
    # the scores of every churn mart say which fit gave them (empty tables say nothing)
    assert first["churn_mart_anchors"] <= {date(2026, 9, 24)}
    # the holdout (clv_holdout_days, 182 by default) ends on the anchor
    assert first["backtest_ends"] == {(date(2026, 3, 26), date(2026, 9, 24), date(2026, 9, 24))}
    assert [anchor for anchor, _ in first["backtest_fits"]] == [date(2026, 9, 24)]
    assert [anchor for anchor, _ in first["clv_params_fits"]] == [date(2026, 9, 24)]
    assert first["churn_snapshots"] == {"train": date(2026, 3, 28), "evaluate": date(2026, 6, 26),
                                        "score": date(2026, 9, 29)}


def test_a_day_without_a_new_anchor_keeps_the_fit_and_equals_a_full_refresh(daily_runs):
    first, day = daily_runs[0], daily_runs[1]
    assert day["data_end"] == date(2026, 9, 30)
    assert day["fits"] == first["fits"]
    assert day["classifier_fits"] == first["classifier_fits"]
    assert day["churn_fits"] == first["churn_fits"]
    assert day["backtest_fits"] == first["backtest_fits"]
    assert day["churn_snapshots"]["score"] == date(2026, 9, 30)
    # the first build's scores are kept but for the comments that changed or went away
    assert len(first["scores"] & day["scores"]) > 0.9 * len(first["scores"])
    assert day["differences"] == {}


def test_a_day_that_crosses_an_anchor_refits_and_equals_a_full_refresh(daily_runs):
    day = daily_runs[2]
    assert day["data_end"] == date(2026, 10, 1)
    assert [anchor for anchor, _ in day["fits"]] == [date(2026, 10, 1)]
    assert day["score_anchors"] == day["mart_anchors"] == {date(2026, 10, 1)}
    assert day["classifier_fits"] <= day["score_fits"] and len(day["score_fits"]) == 1
    assert day["classifier_languages"] == day["classifier_methods"]
    for fits in day["churn_fits"].values():
        assert [anchor for anchor, _ in fits] == [date(2026, 10, 1)]
    assert day["churn_mart_anchors"] <= {date(2026, 10, 1)}
    assert [anchor for anchor, _ in day["backtest_fits"]] == [date(2026, 10, 1)]
    assert [anchor for anchor, _ in day["clv_params_fits"]] == [date(2026, 10, 1)]
    assert day["differences"] == {}
