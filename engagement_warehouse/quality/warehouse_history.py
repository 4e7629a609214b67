"""The checkpoint's results in the warehouse's run history (doc block run_history): one row per
mart and checkpoint run in history.quality_results, which audit_anomalies turns into alerts.

The checkpoint reads the warehouse read-only; this short write connection is opened only after
the read-only one is closed, to append the rows. Counts only (expectations evaluated and failed,
by severity), never a value. When the file cannot be written (another process holds it, a
read-only copy), the checkpoint says so in one line and its result stands: the history misses
that run, nothing else. The drift figures stay in the Data Docs folder's quality_history.json,
which the drift expectations read (drift.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

TABLE = "history.quality_results"
# the same columns as the dbt hook create_history_tables creates (macro history_tables)
COLUMNS = ("run_id varchar, run_at timestamp, mart varchar, expectations integer, failed integer, "
           "error_failures integer, warning_failures integer")


@dataclass(frozen=True)
class MartResult:
    mart: str
    expectations: int
    failed: int
    error_failures: int
    warning_failures: int


def append(database: Path, run_id: str, run_at: dt.datetime, results: list[MartResult]) -> str | None:
    """Appends the rows; returns why it could not, or None."""
    rows = [(run_id, run_at.astimezone(dt.timezone.utc).replace(tzinfo=None), r.mart, r.expectations, r.failed,
             r.error_failures, r.warning_failures) for r in results]
    try:
        with duckdb.connect(str(database)) as con:
            con.execute("create schema if not exists history")
            con.execute(f"create table if not exists {TABLE} ({COLUMNS})")
            con.executemany(f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?)", rows)
    except duckdb.Error as error:
        return " ".join(str(error).split())
    return None
