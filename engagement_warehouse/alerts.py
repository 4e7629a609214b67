"""`engagement-warehouse alerts`: today's alerts, the rows of the view audit.audit_anomalies (the
latest run of the run history against the runs before it; rules in the doc block anomaly_rules).
The warehouse is opened read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

ANOMALIES = "audit.audit_anomalies"
RUNS = "history.dbt_runs"


class AlertsError(Exception):
    """The warehouse cannot be read or holds no run history; the message says what to do."""


@dataclass(frozen=True)
class Alert:
    kind: str
    subject: str
    message: str


@dataclass(frozen=True)
class LatestRun:
    run_id: str
    command: str
    target_name: str
    started_at: dt.datetime
    status: str


def todays_alerts(database: str | Path) -> tuple[LatestRun, list[Alert]]:
    """The latest run recorded and its alerts, in kind and subject order."""
    path = Path(database)
    if not path.is_file():
        raise AlertsError(f"{path}: no such warehouse file; build it first (make build)")
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {name for (name,) in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema in ('history', 'audit')").fetchall()}
        if RUNS not in tables or ANOMALIES not in tables:
            raise AlertsError(f"{path}: no run history (tables {RUNS} and {ANOMALIES}); "
                              "a dbt build of this project on DuckDB records it")
        latest = con.execute(f"select run_id, command, target_name, started_at, status from {RUNS} "
                             "order by started_at desc limit 1").fetchone()
        if latest is None:
            raise AlertsError(f"{path}: the run history is empty; run dbt build")
        rows = con.execute(f"select anomaly_kind, subject, alert_message from {ANOMALIES} "
                           "order by anomaly_kind, subject").fetchall()
    return LatestRun(*latest), [Alert(*row) for row in rows]


def describe(run: LatestRun, today: dt.date) -> str:
    """The run the alerts are about, with its age when it is not today's (UTC)."""
    age = (today - run.started_at.date()).days
    when = f"{run.started_at:%Y-%m-%d %H:%M} UTC" + (f", {age} day(s) ago" if age > 0 else "")
    return f"the {run.command} of {when} on target {run.target_name} ({run.status}, run {run.run_id})"
