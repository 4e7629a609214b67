"""The project's one calendar (models/staging/reference/stg_reference__calendar_days): no other
model writes a date spine of its own, its range is the earliest timestamp lower bound up to var
calendar_end_date, and the models that need a run of days or months (the FX months, MetricFlow's
time spine) hold exactly its days and months."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb

from .conftest import PROJECT_DIR, BuiltWarehouse, run_dbt

CALENDAR = "stg_reference__calendar_days"
# Macros that generate a run of dates or numbers: only the calendar may call them.
SPINE_CALLS = re.compile(r"\b(date_spine|generate_series)\s*\(")


def test_only_the_calendar_generates_a_run_of_dates() -> None:
    spines = sorted(
        str(path.relative_to(PROJECT_DIR))
        for path in (PROJECT_DIR / "models").rglob("*.sql")
        if SPINE_CALLS.search(path.read_text(encoding="utf-8"))
    )
    assert spines == [f"models/staging/reference/{CALENDAR}.sql"]


def test_calendar_runs_from_the_timestamp_lower_bound_to_the_end_var(built_warehouse: BuiltWarehouse) -> None:
    with duckdb.connect(str(built_warehouse.database), read_only=True) as con:
        first, last, days, distinct_days = con.execute(
            f"select min(date_day), max(date_day), count(*), count(distinct date_day) from staging.{CALENDAR}"
        ).fetchone()
        # 2000-01-01 (var timestamp_lower_bound) to 2099-12-31 (the day before var calendar_end_date):
        # 100 years, 25 of them leap years (2000 is one)
        assert (first, last, days, distinct_days) == (date(2000, 1, 1), date(2099, 12, 31), 36525, 36525)
        # 2024-12-30 is a Monday; 2025-01-05 the Sunday of the same ISO week
        assert con.execute(
            f"select week_start, month_start, quarter_start, year_start from staging.{CALENDAR} "
            "where date_day = date '2025-01-05'"
        ).fetchone() == (date(2024, 12, 30), date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 1))
        # MetricFlow's time spine is the calendar's days, the FX rates its 1,200 months per currency
        assert con.execute(
            f"select count(*) from (select date_day from staging.{CALENDAR} "
            "except select date_day from semantic.metricflow_time_spine)"
        ).fetchone()[0] == 0
        assert con.execute("select count(*) from semantic.metricflow_time_spine").fetchone()[0] == 36525
        assert con.execute(
            "select min(months), max(months), min(first_month), max(last_month) from ("
            "select currency, count(*) as months, min(rate_month) as first_month, max(rate_month) as last_month "
            "from staging.stg_reference__fx_rates group by currency)"
        ).fetchone() == (1200, 1200, date(2000, 1, 1), date(2099, 12, 1))


def test_an_earlier_lower_bound_of_one_source_starts_the_calendar_earlier(small_parquet: Path,
                                                                          tmp_path: Path) -> None:
    run = run_dbt(["run", "--select", CALENDAR, "--vars",
                   '{timestamp_lower_bound_by_source: {products: "1990-01-01"}, calendar_end_date: "2001-01-01"}'],
                  small_parquet, tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    # 1990-01-01 to 2000-12-31: 11 years, 3 of them leap years (1992, 1996, 2000)
    assert run.query(f"select min(date_day), max(date_day), count(*) from staging.{CALENDAR}") == [
        (date(1990, 1, 1), date(2000, 12, 31), 11 * 365 + 3)]
