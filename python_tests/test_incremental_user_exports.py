"""An incremental run equals a full refresh on an export shaped unlike the demo's.

test_incremental's scenarios read the generator's Parquet files in the seed's time zones. A
retailer's daily export differs: CSV text that staging has to parse, optional tables it does not
have (no experiment assignments) or exports empty (a header-only marketing spend), and markets whose local
day is far from UTC, where an event late in the UTC day already belongs to the next local day.
Here the export of 2026-09-30 is built, the next day's export follows (with the same gaps), and
the incremental build must hold the rows of a full refresh in every table.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from engagement_warehouse.generator import append_days, generate

from .conftest import MODELS_AND_SEEDS, read, run_dbt
from .test_incremental import EXPORT_DATE, assert_the_event_models_kept_most_rows, differences, tables

# Brazil at UTC+14 and Mexico at UTC-11 all year (no daylight saving time), everyone else at UTC+14
FAR_ZONES = ["--vars", "{business_timezones: {BR: Pacific/Kiritimati, MX: Pacific/Pago_Pago}, "
                       "business_timezone_default: Pacific/Kiritimati}"]
ABSENT = "experiment_assignments"
HEADER_ONLY = "marketing_spend"


def strip_optional_tables(raw) -> None:
    """The export as the user's tools write it: no experiment assignments, a marketing spend header
    only (the generator writes neither order payments nor FX rates: those are absent too)."""
    (raw / f"{ABSENT}.csv").unlink()
    header = (raw / f"{HEADER_ONLY}.csv").read_text(encoding="utf-8").splitlines()[0]
    (raw / f"{HEADER_ONLY}.csv").write_text(header + "\n", encoding="utf-8")


def build(args, raw, work):
    run = run_dbt([*args, *FAR_ZONES], raw, work, raw_format="csv")
    assert run.returncode == 0, run.output[-3000:]
    return run


@pytest.fixture(scope="module")
def csv_daily_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("incremental_csv")
    raw = work / "raw"
    generate(raw, scale=0.01, seed=5, end=EXPORT_DATE, file_format="csv")
    strip_optional_tables(raw)
    first = build(MODELS_AND_SEEDS, raw, work / "incremental")

    append_days(raw, days=1)
    strip_optional_tables(raw)
    (work / "full").mkdir()
    shutil.copy(first.database, work / "full" / "warehouse.duckdb")
    incremental = build(MODELS_AND_SEEDS, raw, work / "incremental")
    full = build([*MODELS_AND_SEEDS, "--full-refresh"], raw, work / "full")
    return raw, incremental, full


def test_the_export_is_csv_without_assignments_and_with_an_empty_marketing_spend(csv_daily_run):
    raw, incremental, _ = csv_daily_run
    assert not list(raw.glob("*.parquet"))
    assert not (raw / f"{ABSENT}.csv").exists()
    with duckdb.connect() as con:
        assert con.execute(f"select count(*) from {read(raw, HEADER_ONLY, 'csv')}").fetchone() == (0,)
        orders = con.execute(f"select count(*) from {read(raw, 'orders', 'csv')}").fetchone()[0]
    assert orders > 0
    assert incremental.query("select count(*) from staging.stg_shop__experiment_assignments") == [(0,)]
    assert incremental.query("select count(*) from staging.stg_shop__marketing_spend") == [(0,)]


def test_the_far_zones_move_events_to_the_next_local_day(csv_daily_run):
    # an event after 10:00 UTC is on the next day in Kiritimati: the zones were applied, so the
    # comparison below covers local dates that differ from the UTC ones
    _, incremental, _ = csv_daily_run
    moved = incremental.query("""
        select count(*) from intermediate.int_events_sessionized
        where hour(event_ts) >= 10 and event_date = cast(event_ts as date) + 1
    """)[0][0]
    assert moved > 0


def test_the_second_run_on_csv_was_incremental(csv_daily_run):
    _, incremental, _ = csv_daily_run
    assert_the_event_models_kept_most_rows(incremental)


def test_incremental_run_on_a_csv_export_in_far_zones_equals_full_refresh(csv_daily_run):
    _, incremental, full = csv_daily_run
    assert "marts.fct_order_attribution" in tables(incremental.database)
    assert differences(incremental, full) == {}
