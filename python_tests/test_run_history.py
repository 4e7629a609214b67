"""The run history (doc block run_history) and its alerts: every dbt run appends to the tables of
the schema history, which the next run keeps, and `engagement-warehouse alerts` flags a day whose
events are half the usual ones but not a normal day. The quality checkpoint appends its results
per mart too."""

from __future__ import annotations

import contextlib
import io
import shutil

import duckdb
import pytest

from engagement_warehouse.cli import main
from engagement_warehouse.generator import append_days, generate

from .conftest import MODELS_AND_SEEDS, run_dbt

HISTORY_TABLES = ["dbt_runs", "node_results", "test_results", "row_counts", "source_freshness"]
# 11 raw tables of the shop source and the 29 marts of models/marts
SOURCE_TABLES = 11
MARTS = 29
# the anomaly view and its three data tests (unique, not_null, accepted_values); cautious: not the
# tests that scan every built relation, which depend on every leaf model (after_every_model)
ANOMALY_VIEW_AND_TESTS = ["build", "--select", "audit_anomalies", "--indirect-selection", "cautious"]


def history(database) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {table: con.execute(f"select * from history.{table} order by all").fetchall() for table in HISTORY_TABLES}


def raw_rows(path) -> int:
    with duckdb.connect() as con:
        return con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]


@pytest.fixture(scope="module")
def three_days(tmp_path_factory):
    """A build, a normal next day (append-day), then a day whose events file holds half its rows;
    the history and the alerts after each."""
    work = tmp_path_factory.mktemp("history")
    raw = work / "raw"
    generate(raw, scale=0.005, seed=3)
    events = raw / "events.parquet"
    states = []
    for step, args in [("first", MODELS_AND_SEEDS), ("normal_day", ANOMALY_VIEW_AND_TESTS),
                       ("half_events", ANOMALY_VIEW_AND_TESTS)]:
        if step == "normal_day":
            append_days(raw, days=1)
        if step == "half_events":
            full = raw_rows(events)
            half = work / "half.parquet"
            duckdb.sql(f"copy (select * from read_parquet('{events}') limit {full // 2}) to '{half}' (format parquet)")
            half.replace(events)
        run = run_dbt(args, raw, work / "build")
        assert run.returncode == 0, run.output[-3000:]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["alerts", "--database", str(run.database)])
        with duckdb.connect(str(run.database), read_only=True) as con:
            alerts = dict(con.execute("select anomaly_id, alert_message from audit.audit_anomalies").fetchall())
        states.append({"events": raw_rows(events), "history": history(run.database), "database": run.database,
                       "alerts": alerts, "cli": (code, out.getvalue())})
    return states


def test_each_run_appends_and_keeps_the_earlier_runs(three_days):
    first, second, _ = three_days
    one, two = first["history"], second["history"]
    assert len(one["dbt_runs"]) == 1 and len(two["dbt_runs"]) == 2
    (run_id, command, target, started, ended, status, nodes, errors, failures, warnings) = one["dbt_runs"][0]
    assert (command, target, status, errors, failures, warnings) == ("build", "prod", "success", 0, 0, 0)
    assert started < ended
    # the first run's rows are all still there, unchanged
    for table in HISTORY_TABLES:
        assert set(one[table]) <= set(two[table]), table
    # models and seeds only at first, then the anomaly view and its 3 tests
    assert len(one["node_results"]) == nodes and len(two["node_results"]) == nodes + 4
    assert one["test_results"] == []
    assert sorted((row[3], row[5], row[6]) for row in two["test_results"]) == [("audit_anomalies", "pass", 0)] * 3
    # every raw table and every mart counted at each run; the events as the file has them
    assert len(one["row_counts"]) == SOURCE_TABLES + MARTS and len(two["row_counts"]) == 2 * (SOURCE_TABLES + MARTS)
    events_counts = [row[4] for row in two["row_counts"] if row[2:4] == ("source", "events")]
    assert sorted(events_counts) == sorted([first["events"], second["events"]])
    assert second["events"] > first["events"]
    # the 6 raw tables with a freshness check
    assert len(one["source_freshness"]) == 6 and len(two["source_freshness"]) == 12


def test_a_normal_day_has_no_alert(three_days):
    first, second, _ = three_days
    # the latest run (the rows are sorted by run id, not by time): its start is the 4th column
    run_id = max(second["history"]["dbt_runs"], key=lambda run: run[3])[0]
    assert first["alerts"] == {} and second["alerts"] == {}
    code, out = second["cli"]
    assert code == 0
    assert out.startswith("no alerts: the build of ") and out.rstrip().endswith(f"on target prod (success, run {run_id})")


def test_half_the_events_is_a_volume_alert(three_days):
    first, second, third = three_days
    median = (first["events"] + second["events"]) / 2
    half = third["events"]
    assert half == second["events"] // 2
    with duckdb.connect(str(third["database"]), read_only=True) as con:
        change = con.execute(f"select cast(cast(round(100 * ({half} - {median}) / {median}) as bigint) as varchar)").fetchone()[0]
        shown_median = con.execute(f"select cast(cast({median} as double) as bigint)").fetchone()[0]
    message = f"source:events: {half} rows, the median of the last 2 run(s) {shown_median} ({change}%)"
    volume = {key: value for key, value in third["alerts"].items() if key.startswith("volume:")}
    assert volume == {"volume:source:events": message}
    assert change == "-50"
    code, out = third["cli"]
    assert code == 0
    assert f"\n  [volume] {message}\n" in out
    assert main(["alerts", "--database", str(third["database"]), "--fail-on-alert"]) == 1


def test_the_report_shows_the_alert_and_the_drop(three_days, tmp_path):
    """The report's run-history section: the events line holds the three runs' counts, the last
    one half the second, marked with the alert; the guide says the alert."""
    from .test_report import parse

    first, second, third = three_days
    out = tmp_path / "report.html"
    assert main(["report", "--database", str(third["database"]), "--out", str(out)]) == 0
    page = parse(out)
    traces = {trace["name"]: trace for trace in page.figures["run-history"]["data"]}
    assert traces["events"]["y"] == [first["events"], second["events"], third["events"]]
    message = third["alerts"]["volume:source:events"]
    assert traces["events: alert"]["y"] == [third["events"]] and traces["events: alert"]["meta"]["alert"] == message
    # only the events table dropped
    assert [name for name in traces if name.endswith(": alert")] == ["events: alert"]
    assert f"[volume] {message}" in page.sections["run-history"]["guide"]


def test_the_quality_checkpoint_appends_its_results_per_mart(built_warehouse, tmp_path):
    from engagement_warehouse.quality.checkpoint import run_checkpoint

    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.database, database)
    lines: list[str] = []
    report = run_checkpoint(database, tmp_path / "docs", marts=["fct_orders", "dim_customers"], echo=lines.append)
    with duckdb.connect(str(database), read_only=True) as con:
        # this checkpoint's run: the shared warehouse holds the runs of other tests' checkpoints too
        rows = con.execute("select mart, expectations, failed, error_failures, warning_failures "
                           "from history.quality_results "
                           "where run_at = (select max(run_at) from history.quality_results) order by mart").fetchall()
    assert rows == [(o.mart, o.evaluated, o.failed, sum(f.severity == "error" for f in o.failures),
                     sum(f.severity == "warning" for f in o.failures))
                    for o in sorted(report.outcomes, key=lambda o: o.mart)]
    assert [row[0] for row in rows] == ["dim_customers", "fct_orders"] and all(row[1] > 0 for row in rows)
    assert "Run history: the results of 2 mart(s) appended to history.quality_results" in lines
