"""Drift against the previous build: each checkpoint run compares every mart with the figures the
previous run stored, and stores its own.

The figures of a mart, measured in DuckDB on the full table: its row count, the mean of each
column that the retailer's settings bound by a mean (quality_expectations.yml), and the share of
each value of its category columns (`MartSuite.categories`). They are kept in
`<docs dir>/quality_history.json` (beside the Data Docs, which the checkpoint rebuilds around it),
the last `KEEP_RUNS` runs, newest last; a run with --mart stores only its marts, and each mart is
compared with the newest run that measured it. The file holds counts, means and the shares of
category values (statuses, channels, tiers), never a value of a row.

A change beyond the tolerances of quality_expectations.yml's `drift` entry (relative for row
counts and means, absolute for a share) is a GX expectation of severity warning that fails: it
shows in the summary and the Data Docs, and the exit code stays 0 - a drift is a question for a
reviewer, not a broken rule. The first run (no history) compares nothing and says so.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import duckdb
import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.metadata_types import FailureSeverity

from . import settings
from .sql_checks import quote

HISTORY_NAME = "quality_history.json"
KEEP_RUNS = 30
NULL_CATEGORY = "(null)"


def history_path(docs_dir: Path) -> Path:
    return docs_dir / HISTORY_NAME


def load_history(docs_dir: Path) -> list[dict[str, Any]]:
    """The stored runs, oldest first; a missing file is no history, an unreadable one an error."""
    path = history_path(docs_dir)
    if not path.is_file():
        return []
    try:
        runs = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise settings.SettingsError(f"{path}: cannot read the checkpoint history ({' '.join(str(error).split())}); "
                                     "remove the file to start a new one") from None
    if not isinstance(runs, list) or not all(isinstance(run, dict) and isinstance(run.get("marts"), dict)
                                             for run in runs):
        raise settings.SettingsError(f"{path}: not a checkpoint history (a list of runs with their marts); "
                                     "remove the file to start a new one")
    return runs


def previous(history: list[dict[str, Any]], mart: str) -> tuple[str, dict[str, Any]] | None:
    """(run time, figures) of the newest run that measured the mart, if any."""
    for run in reversed(history):
        if mart in run["marts"]:
            return run["run_time"], run["marts"][mart]
    return None


def measure(con: duckdb.DuckDBPyConnection, table: str, means: list[str], categories: list[str]) -> dict[str, Any]:
    """Row count, means and category shares of a mart, on the full table."""
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    figures: dict[str, Any] = {"rows": rows, "means": {}, "shares": {}}
    for column in means:
        value = con.execute(f"select avg(cast({quote(column)} as double)) from {table}").fetchone()[0]
        figures["means"][column] = value
    for column in categories:
        shares = con.execute(
            f"select coalesce(cast({quote(column)} as varchar), '{NULL_CATEGORY}') as value, "
            f"count(*) / sum(count(*)) over () as share from {table} group by all order by value"
        ).fetchall()
        figures["shares"][column] = {value: share for value, share in shares}
    return figures


def expectations(mart: str, run_time: str, before: dict[str, Any],
                 tolerances: settings.DriftTolerances) -> list[Expectation]:
    """Warnings that fail when this run's figures moved beyond the tolerances since `before`."""
    note = f"Drift since the checkpoint run of {run_time} ({HISTORY_NAME}; tolerances in {settings.DEFAULT_PATH.name})."
    found: list[Expectation] = []
    rows = before["rows"]
    found.append(gxe.ExpectTableRowCountToBeBetween(
        min_value=math.floor(rows * (1 - tolerances.row_count)), max_value=math.ceil(rows * (1 + tolerances.row_count)),
        severity=FailureSeverity.WARNING, notes=f"Row count {rows:,} then, within {tolerances.row_count:.0%}. {note}"))
    for column, mean in sorted(before["means"].items()):
        if mean is None:
            continue
        margin = abs(mean) * tolerances.mean
        found.append(gxe.ExpectColumnMeanToBeBetween(
            column=column, min_value=mean - margin, max_value=mean + margin, severity=FailureSeverity.WARNING,
            notes=f"Mean {mean:.6g} then, within {tolerances.mean:.0%}. {note}"))
    for column, shares in sorted(before["shares"].items()):
        found.append(_share_drift(column, shares, tolerances.share, note))
    return found


def _share_drift(column: str, shares: dict[str, float], tolerance: float, note: str) -> Expectation:
    """The category values whose share of rows moved by more than `tolerance` (a new value's
    share before is 0, a vanished value's now is 0): runs in DuckDB on the full table."""
    literal = ", ".join(f"('{value.replace(chr(39), chr(39) * 2)}', {share!r})" for value, share in sorted(shares.items()))
    before = f"select * from (values {literal}) as before(value, share)" if shares else \
        "select cast(null as varchar) as value, cast(null as double) as share where false"
    query = (
        f"with now as (select coalesce(cast({quote(column)} as varchar), '{NULL_CATEGORY}') as value, "
        f"count(*) / sum(count(*)) over () as share from {{batch}} group by all), before as ({before}) "
        "select coalesce(now.value, before.value) as value from now full join before on now.value = before.value "
        f"where abs(coalesce(now.share, 0) - coalesce(before.share, 0)) > {tolerance!r}"
    )
    return gxe.UnexpectedRowsExpectation(
        description=f"The share of each value of {column} is within {tolerance:.0%} points of the previous run's.",
        unexpected_rows_query=query, severity=FailureSeverity.WARNING, notes=note)


def store(docs_dir: Path, run_time: dt.datetime, marts: dict[str, dict[str, Any]],
          history: list[dict[str, Any]]) -> Path:
    """Append this run's figures and keep the last KEEP_RUNS runs (written to a temporary name and
    renamed, so a reader never sees half a file)."""
    path = history_path(docs_dir)
    runs = [*history, {"run_time": run_time.isoformat(timespec="seconds"), "marts": marts}][-KEEP_RUNS:]
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(runs, indent=1, default=float) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path
