"""The CLV backtest on the refit schedule (engagement_warehouse.clv.tables.scheduled_backtest): a
run keeps the stored fit while its rows, settings and anchor (the holdout's end) are unchanged, and
refits to what a fit from nothing gives otherwise; the default gives backtest()'s rows."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from engagement_warehouse.clv import tables
from engagement_warehouse.clv.fitting import FitSettings

HOLDOUT_END = date(2026, 9, 24)
CALIBRATION_END = HOLDOUT_END - timedelta(days=180)


def calibration(persons: int = 1000, seed: int = 6, holdout_end: date = HOLDOUT_END) -> pa.Table:
    """Persons of int_persons_clv_backtest's shape, in days (seed 6: a converged BG/NBD fit)."""
    rng = np.random.default_rng(seed)
    age = rng.integers(30, 365, persons).astype(float)
    frequency = rng.poisson(2, persons).astype(float)
    recency = np.where(frequency > 0, np.floor(age * rng.random(persons)), 0.0)
    return pa.table({
        "person_key": [f"p{i:04d}" for i in range(persons)], "frequency": frequency, "recency": recency,
        "customer_age": age, "monetary_value": np.where(frequency > 0, 20 + rng.random(persons) * 50, 0.0),
        "holdout_purchases": rng.poisson(1, persons), "calibration_end_date": [CALIBRATION_END] * persons,
        "observation_end_date": [holdout_end] * persons, "holdout_length": [180.0] * persons,
        "time_unit": ["day"] * persons,
    })


def through_duckdb(table: pa.Table) -> pa.Table:
    with duckdb.connect() as con:
        con.register("t", table)
        con.sql("create table stored as select * from t")
        return con.sql("select * from stored").to_arrow_table()


def test_the_scheduled_backtest_is_the_backtest_with_its_anchor():
    data = calibration()
    scheduled = tables.scheduled_backtest(data, 10, FitSettings())
    plain = tables.backtest(data, 10, FitSettings())
    assert scheduled.select(plain.column_names).equals(plain.cast(scheduled.select(plain.column_names).schema))
    assert set(scheduled.column("clv_fit_anchor_date").to_pylist()) == {HOLDOUT_END}
    assert {row["model_status"] for row in scheduled.to_pylist()} == {"converged"}


def test_a_run_keeps_the_stored_backtest_while_its_rows_are_unchanged(monkeypatch):
    data = calibration()
    stored = through_duckdb(tables.scheduled_backtest(data, 10, FitSettings()))

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted although the stored fit was kept")

    monkeypatch.setattr(tables, "backtest", no_fit)
    # the same persons in another order: the same fit
    kept = tables.scheduled_backtest(data.take(pa.array(np.arange(data.num_rows)[::-1])), 10, FitSettings(), stored)
    assert kept.equals(stored.cast(kept.schema))


@pytest.mark.parametrize("change", ["late_purchase", "erased_person", "setting", "new_anchor"])
def test_a_changed_row_setting_or_anchor_refits_and_equals_a_fit_from_nothing(change):
    data, settings, min_repeat = calibration(), FitSettings(), 10
    stored = through_duckdb(tables.scheduled_backtest(data, min_repeat, settings))
    if change == "late_purchase":
        rows = data.to_pylist()
        rows[5] = {**rows[5], "holdout_purchases": rows[5]["holdout_purchases"] + 1}
        data = pa.Table.from_pylist(rows, schema=data.schema)
    elif change == "erased_person":
        data = data.slice(1)
    elif change == "setting":
        min_repeat = 11
    else:
        data = calibration(holdout_end=HOLDOUT_END + timedelta(days=7))
    refitted = tables.scheduled_backtest(data, min_repeat, settings, stored)
    assert refitted.equals(tables.scheduled_backtest(data, min_repeat, settings))
    assert refitted.column("clv_fit_fingerprint")[0] != stored.column("clv_fit_fingerprint")[0]


def test_the_parameters_are_kept_while_the_anchored_rfm_is_unchanged_and_refitted_otherwise(monkeypatch):
    rfm = calibration().drop_columns(["holdout_purchases", "calibration_end_date", "holdout_length"])
    fresh = tables.scheduled_model_params(rfm, 10, FitSettings())
    plain = tables.model_params(rfm, 10, FitSettings())
    assert fresh.select(plain.column_names).equals(plain.cast(fresh.select(plain.column_names).schema))
    assert set(fresh.column("clv_fit_anchor_date").to_pylist()) == {HOLDOUT_END}
    stored = through_duckdb(fresh)
    later = pa.Table.from_pylist([{**row, "frequency": row["frequency"] + 1} if i == 0 else row
                                  for i, row in enumerate(rfm.to_pylist())], schema=rfm.schema)
    refitted = tables.scheduled_model_params(later, 10, FitSettings(), stored)
    assert refitted.equals(tables.scheduled_model_params(later, 10, FitSettings()))
    assert refitted.column("clv_fit_fingerprint")[0] != fresh.column("clv_fit_fingerprint")[0]

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted although the stored fit was kept")

    monkeypatch.setattr(tables, "model_params", no_fit)
    assert tables.scheduled_model_params(rfm, 10, FitSettings(), stored).equals(stored.cast(fresh.schema))
