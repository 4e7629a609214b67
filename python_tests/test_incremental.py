"""Incremental runs give the same warehouse as a full refresh.

The scenario of a daily run: the warehouse is built from the export of 2026-09-30, the generator
appends the next day (new orders, events, feedback, and app events of earlier days that arrived
late), and an incremental run follows. A full refresh on the same files must give the same rows
in every table; only `loaded_at`, which records when a row was computed, may differ.
"""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from engagement_warehouse.generator import append_days, generate

from .conftest import MODELS_AND_SEEDS, read, run_dbt

EXPORT_DATE = date(2026, 9, 30)


def tables(database) -> dict[str, list[str]]:
    """Every table of the warehouse with its columns, loaded_at left out."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute("""
            select schema_name || '.' || table_name, list(column_name order by column_index)
            from duckdb_columns()
            where database_name = current_database() and column_name != 'loaded_at'
                and (schema_name, table_name) in (select schema_name, table_name from duckdb_tables())
            group by all
        """).fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def daily_run(tmp_path_factory):
    work = tmp_path_factory.mktemp("incremental")
    raw = work / "raw"
    generate(raw, scale=0.01, seed=42, end=EXPORT_DATE)
    with duckdb.connect() as con:
        first_export_ids = {row[0] for row in con.execute(f"select event_id from {read(raw, 'events')}").fetchall()}
    first = run_dbt(MODELS_AND_SEEDS, raw, work / "incremental")
    assert first.returncode == 0, first.output[-3000:]

    append_days(raw, days=1)
    (work / "full").mkdir()
    shutil.copy(first.database, work / "full" / "warehouse.duckdb")
    incremental = run_dbt(MODELS_AND_SEEDS, raw, work / "incremental")
    assert incremental.returncode == 0, incremental.output[-3000:]
    full = run_dbt([*MODELS_AND_SEEDS, "--full-refresh"], raw, work / "full")
    assert full.returncode == 0, full.output[-3000:]
    with duckdb.connect() as con:
        late_ids = [row[0] for row in con.execute(
            f"select event_id from {read(raw, 'events')} where event_ts < timestamp '{EXPORT_DATE}'").fetchall()
            if row[0] is not None and row[0] not in first_export_ids]
    return incremental, full, late_ids


def test_the_appended_day_has_late_events_that_join_earlier_sessions(daily_run):
    incremental, _, late_ids = daily_run
    assert late_ids, "the appended day should carry app events of the previous day that arrived late"
    id_list = ", ".join(f"'{event_id}'" for event_id in late_ids)
    # a late event that lands in a session with events of the first export: the run had to
    # re-sessionize history, not just add sessions
    joined = incremental.query(f"""
        select count(distinct session_id) from intermediate.int_events_sessionized
        where session_id in (select session_id from intermediate.int_events_sessionized where event_id in ({id_list}))
            and event_id not in ({id_list}) and event_ts < timestamp '{EXPORT_DATE}'
    """)[0][0]
    assert joined >= 1


def test_the_second_run_was_incremental(daily_run):
    incremental, _, _ = daily_run
    for model in ("staging.base_shop__events", "intermediate.int_events_sessionized", "marts.fct_sessions"):
        runs, kept, total = incremental.query(f"""
            select count(distinct loaded_at), count(*) filter (where loaded_at = (select min(loaded_at) from {model})),
                count(*)
            from {model}
        """)[0]
        # two load times, and most rows kept from the first run
        assert runs == 2, model
        assert kept > 0.9 * total, model


def test_incremental_run_equals_full_refresh_in_every_table(daily_run):
    incremental, full, _ = daily_run
    incremental_tables, full_tables = tables(incremental.database), tables(full.database)
    assert incremental_tables == full_tables
    assert "marts.fct_sessions" in incremental_tables
    con = duckdb.connect()
    con.execute(f"attach '{incremental.database}' as incremental (read_only)")
    con.execute(f"attach '{full.database}' as full_refresh (read_only)")
    differences = {}
    for table, columns in incremental_tables.items():
        select = ", ".join(f'"{column}"' for column in columns)
        only_incremental, only_full, rows = con.execute(f"""
            select
                (select count(*) from (select {select} from incremental.{table}
                                       except all select {select} from full_refresh.{table})),
                (select count(*) from (select {select} from full_refresh.{table}
                                       except all select {select} from incremental.{table})),
                (select count(*) from incremental.{table})
        """).fetchone()
        if only_incremental or only_full:
            differences[table] = (only_incremental, only_full, rows)
    assert differences == {}
