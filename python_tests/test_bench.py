"""The benchmark on a tiny scale: results.json and results.md hold every figure, the pandas and
polars baselines give the marts' numbers (the bench's own check, and an independent one here),
and a baseline that differs from the marts is caught with a message naming what differs.

No timing is asserted: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from engagement_warehouse.bench.analyst import AnalystInput, BaselineMismatch, check_baselines
from engagement_warehouse.bench.analyst import pandas_baseline, polars_baseline
from engagement_warehouse.bench.analyst.compare import COHORT_MATRIX, RFM, check
from engagement_warehouse.bench.analyst.models_sql import MODELS
from engagement_warehouse.bench.analyst.run import engines, expected_results
from engagement_warehouse.bench.figures import failed_scale_figures
from engagement_warehouse.bench.goals import GOALS, evaluate
from engagement_warehouse.bench.markdown import failed_scale_section
from engagement_warehouse.bench.measure import BenchError, Measured, folder_bytes, run_measured

from .conftest import PROJECT_DIR

CLI = str(Path(sys.executable).with_name("engagement-warehouse"))
SCALE = "0.005"
RUNS = 1
SEGMENT_TYPES = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]["retention_segment_types"]
# a var at its default value: it changes nothing, and shows that --vars reaches every build
VARS = "{business_timezone_default: UTC}"


@pytest.fixture(scope="module")
def bench(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("bench")
    completed = subprocess.run([CLI, "bench", "--scales", SCALE, "--runs", str(RUNS), "--out", str(out), "--vars", VARS],
                               cwd=PROJECT_DIR, capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return out, json.loads((out / "results.json").read_text())


@pytest.fixture(scope="module")
def analyst_input(bench) -> AnalystInput:
    folder = bench[0] / f"scale_{SCALE}" / "analyst_input"
    return AnalystInput(folder / "fct_orders.parquet", folder / "expected_cohort_matrix.parquet",
                        folder / "expected_rfm.parquet")


def summaries(node: object, path: str = ""):
    """Every median / min / max summary in the results, with where it is."""
    if isinstance(node, dict):
        if set(node) == {"median", "min", "max", "runs"}:
            yield path, node
        else:
            for key, value in node.items():
                yield from summaries(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from summaries(value, f"{path}[{index}]")


def test_results_hold_every_figure(bench):
    out, results = bench
    machine = results["machine"]
    assert machine["cpu_count"] >= 1 and machine["memory_total_bytes"] > 0 and machine["cpu_model"]
    assert machine["versions"]["duckdb"] and machine["versions"]["dbt-core"] and machine["python"]
    assert results["settings"]["runs"] == RUNS and results["settings"]["scales"] == [float(SCALE)]

    figures = results["scales"][SCALE]
    generator = figures["generator"]
    assert generator["rows"] == sum(generator["rows_by_table"].values()) > 0
    assert generator["byte_identical"] is True and generator["differing_files"] == []
    assert len(generator["sha256_by_run"]) == RUNS and "events.parquet" in generator["sha256_by_run"][0]

    full = figures["full_build"]
    assert full["nodes"] > 50 and len(full["top_models"]) == 10
    assert set(full["clv_fit"]["models"]) == {"int_clv_model_params_fitted", "int_persons_clv_scored",
                                              "int_clv_backtest_fitted", "int_cohort_retention_projected"}
    assert full["partial_parse"] == [True] * RUNS
    assert figures["floor"]["files"] == 9 and figures["floor"]["rows"] == generator["rows"]
    # every model configured incremental, as the SQL files say, is timed in the incremental run
    assert set(figures["incremental"]["incremental_models"]) == incremental_models_in_the_sql() != set()
    for build in ("full_build", "incremental"):
        spill = figures[build]["peak_spill_bytes"]
        assert len(spill["runs"]) == RUNS and spill["largest"] == max(spill["runs"]) >= 0
    assert "test_incremental.py" in figures["incremental"]["equality_with_full_refresh"]
    assert set(figures["analyst"]["seconds"]) == {"pandas", "polars", "duckdb_sql"}
    assert set(figures["analyst"]["ratios"]) == {"pandas_over_duckdb_sql", "polars_over_duckdb_sql",
                                                 "pandas_over_dbt_models", "polars_over_dbt_models",
                                                 "pandas_over_models_sql", "pandas_over_like_for_like"}

    found = dict(summaries(figures))
    for path in (".full_build.wall_seconds", ".full_build.overhead_ratio", ".full_build.peak_rss_bytes",
                 ".full_build_over_floor", ".sessionization.over_floor", ".incremental.share_of_full_build",
                 ".generator.rows_per_second", ".analyst.ratios.pandas_over_duckdb_sql"):
        assert path in found, path
    for path, stat in found.items():
        assert len(stat["runs"]) == RUNS, path
        assert stat["min"] <= stat["median"] <= stat["max"], path
        assert stat["min"] > 0, path  # every figure is a time, a ratio, a rate or bytes

    # every goal of the issue is reported, judged at this scale or marked not measured
    assert {row["goal"] for row in results["goals"]} == {goal.text for goal in GOALS}
    for row in results["goals"]:
        assert row["status"] in ("met", "not met", "not measured"), row
        assert (row["status"] == "not measured") == (row["scale"] != float(SCALE)), row

    markdown = (out / "results.md").read_text()
    assert f"## Scale {SCALE} (1 runs" in markdown and "## Goals" in markdown
    assert "| full build / floor |" in markdown and "| pandas / warehouse SQL |" in markdown
    assert "| pandas / the models' SQL alone, like for like |" in markdown
    # the scratch data is gone: raw files and databases
    assert not list(out.rglob("*.duckdb")) and not (out / f"scale_{SCALE}" / "raw").exists()


def incremental_models_in_the_sql() -> set[str]:
    """The models whose config asks for an incremental materialization (directly, in SQL or in a
    Python model's dbt.config, or through the project's keyed_incremental_materialization(...),
    incremental on DuckDB)."""
    pattern = re.compile(r"materialized\s*=\s*(keyed_incremental_materialization\(|['\"]incremental['\"])")
    return {path.stem for path in (PROJECT_DIR / "models").rglob("*") if path.suffix in (".sql", ".py")
            and pattern.search(path.read_text())}


def test_the_benchmarks_vars_reach_every_build_and_are_recorded(bench):
    out, results = bench
    assert results["settings"]["dbt_vars"] == VARS
    assert f"dbt vars `{VARS}`" in (out / "results.md").read_text()
    kept = sorted((out / f"scale_{SCALE}" / "logs").glob("run_results_*.json"))
    assert [path.name for path in kept] == ["run_results_full_run1.json", "run_results_incremental_run1.json"]
    for path in kept:
        assert json.loads(path.read_text())["args"]["vars"] == {"business_timezone_default": "UTC"}, path.name


def test_the_largest_size_of_a_watched_folder_is_measured(tmp_path):
    # a child writes 3 MB, then 5 MB more, holds them half a second each, then deletes them:
    # the folder is empty at the end, its peak was 8 MB
    spill = tmp_path / "spill"
    spill.mkdir()
    script = (f"import os, time; p = {str(spill)!r}\n"
              "open(os.path.join(p, 'a'), 'wb').write(b'x' * 3_000_000); time.sleep(0.6)\n"
              "open(os.path.join(p, 'b'), 'wb').write(b'x' * 5_000_000); time.sleep(1.2)\n"
              "os.remove(os.path.join(p, 'a')); os.remove(os.path.join(p, 'b')); time.sleep(0.6)\n")
    measured = run_measured([sys.executable, "-c", script], tmp_path / "log.txt", watch_dir=spill)
    assert measured.returncode == 0
    assert measured.peak_dir_bytes == 8_000_000 and folder_bytes(spill) == 0
    assert run_measured([sys.executable, "-c", "pass"], tmp_path / "log2.txt").peak_dir_bytes == 0


def test_an_attempted_scale_that_fails_is_reported_with_where_it_stopped(tmp_path):
    log = tmp_path / "build.log"
    log.write_text("Out of Memory Error: could not allocate block of size 256.0 KiB\n")
    failed = BenchError(f"full dbt build (scale 10, run 1) failed (exit 1), log {log}:\nOut of Memory Error",
                        Measured(1234.0, 9 * 2**30, 1, log, 3 * 2**30), "full dbt build (scale 10, run 1)")
    figures = failed_scale_figures(10.0, failed)
    assert figures["failed"] == f"full dbt build (scale 10, run 1) failed (exit 1), log {log}:"
    rows = {row["goal"]: row for row in evaluate({"10": figures})}
    scale_10 = rows["Scale 10 attempted: time, memory and spill reported"]
    assert scale_10["status"] == "not met"
    assert scale_10["shown"].endswith("(after 1234 s, peak 9.00 GiB, DuckDB spill 3.00 GiB)")
    # the goals of other scales are not measured, and no value of the failed scale stands in for them
    assert rows["Peak memory at most 4 GiB at scale 1"]["status"] == "not measured"
    assert rows["Peak memory at most 4 GiB at scale 1"]["note"] == "scale 1 not run"
    markdown = failed_scale_section(figures)
    assert markdown[0] == "## Scale 10: attempted, did not complete"
    assert "That command ran 1234 s; peak RSS 9.00 GiB; peak DuckDB spill 3.00 GiB." in markdown


def test_baselines_give_the_marts_numbers(bench, analyst_input):
    _, results = bench
    analyst = results["scales"][SCALE]["analyst"]
    assert analyst["equal_to_marts"] is True
    assert analyst["results"]["cohort_matrix_rows"] > 0 and analyst["results"]["rfm_rows"] > 0

    # independently: a plain-Python computation from the same orders equals the mart extracts,
    # and so do pandas and polars
    cohorts, rfm = plain_python_answers(analyst_input.orders)
    mart_cohorts = pd.read_parquet(analyst_input.expected_cohort_matrix)
    mart_rfm = pd.read_parquet(analyst_input.expected_rfm)
    assert_cohorts_equal(mart_cohorts, cohorts, "mart")
    assert_rfm_equal(mart_rfm, rfm, "mart")
    pandas_cohorts, pandas_rfm = pandas_baseline.compute(analyst_input.orders)
    assert_cohorts_equal(pandas_cohorts, cohorts, "pandas")
    assert_rfm_equal(pandas_rfm, rfm, "pandas")
    polars_cohorts, polars_rfm = polars_baseline.compute(analyst_input.orders)
    assert_cohorts_equal(polars_cohorts.to_pandas(), cohorts, "polars")
    assert_rfm_equal(polars_rfm.to_pandas(), rfm, "polars")


def test_the_models_sql_like_for_like_computes_the_analysts_answers_only(bench, analyst_input):
    _, results = bench
    analyst = results["scales"][SCALE]["analyst"]
    project, like = analyst["models_sql"]["project_vars"], analyst["models_sql"]["like_for_like"]
    assert list(project["per_model"]) == list(like["per_model"]) == list(MODELS)
    # like for like, the mart holds the analyst's matrix and nothing else; with the project's vars
    # it holds every segment type and the weekly grain too (the bench checked both variants'
    # answers against the marts, or it would have stopped)
    matrix_rows = len(pd.read_parquet(analyst_input.expected_cohort_matrix))
    assert like["per_model"]["cohort_retention"]["rows"] == matrix_rows == analyst["results"]["cohort_matrix_rows"]
    assert project["per_model"]["cohort_retention"]["rows"] > 20 * matrix_rows
    persons = len(pd.read_parquet(analyst_input.expected_rfm))
    assert like["per_model"]["customer_rfm"]["rows"] == project["per_model"]["customer_rfm"]["rows"] == persons
    # one row per person and segment type: 'all' alone like for like
    assert like["per_model"]["int_persons_segments"]["rows"] == persons
    assert project["per_model"]["int_persons_segments"]["rows"] == persons * (1 + len(SEGMENT_TYPES))


def test_a_baseline_that_differs_from_the_marts_is_caught(analyst_input, tmp_path):
    check_baselines(analyst_input)  # the untouched input passes

    # RFM: 100 USD more on a repeat purchase (the cohort matrix does not read revenue)
    corrupted = corrupt(analyst_input, tmp_path / "rfm", """
        select * replace (
            case when order_id = (select min(order_id) from orders where confirmed_order_sequence = 2
                                      and days_since_previous_confirmed_order > 0)
                then net_revenue_usd + 100 else net_revenue_usd end as net_revenue_usd)
        from orders
    """)
    with pytest.raises(BaselineMismatch, match=r"the pandas RFM summary differs from marts\.customer_rfm: "
                                               r"1 of \d+ rows differ in monetary_value \(tolerance 0\.005; "
                                               r"first: person_key \w+: mart [\d.]+, baseline [\d.]+\)$"):
        check_baselines(corrupted)
    expected_cohorts, expected_rfm = expected_results(corrupted)
    for engine, compute in engines().items():
        _, rfm = compute(corrupted.orders)
        with pytest.raises(BaselineMismatch, match=f"the {engine} RFM summary differs"):
            check(engine, expected_rfm, rfm, RFM)

    # cohort matrix: a one-order customer's order moved a year back changes two cohorts' sizes
    corrupted = corrupt(analyst_input, tmp_path / "cohorts", """
        select * replace (
            case when order_id = (select min(order_id) from orders where is_confirmed_order
                                      and order_date >= date '2025-01-01' and person_key in (
                                          select person_key from orders where is_confirmed_order
                                          group by person_key having count(*) = 1))
                then order_date - interval 365 day else order_date end as order_date)
        from orders
    """)
    with pytest.raises(BaselineMismatch, match=r"the pandas cohort matrix differs from marts\.cohort_retention "
                                               r"\(segment all, monthly cohorts\): \d+ of \d+ rows differ in cohort_size"):
        check_baselines(corrupted)
    for engine, compute in engines().items():
        cohorts, _ = compute(corrupted.orders)
        with pytest.raises(BaselineMismatch, match=f"the {engine} cohort matrix differs"):
            check(engine, expected_cohorts, cohorts, COHORT_MATRIX)


def corrupt(inputs: AnalystInput, folder: Path, select: str) -> AnalystInput:
    """A copy of the input whose orders file is rewritten by `select` (over a relation `orders`)."""
    shutil.copytree(inputs.orders.parent, folder)
    with duckdb.connect() as con:
        con.execute(f"create view orders as select * from read_parquet('{inputs.orders}')")
        con.execute(f"copy ({select}) to '{folder / inputs.orders.name}' (format parquet)")
    return AnalystInput(folder / inputs.orders.name, folder / inputs.expected_cohort_matrix.name,
                        folder / inputs.expected_rfm.name)


def plain_python_answers(orders_path: Path) -> tuple[dict, dict]:
    """The two answers in plain Python, row by row, from the definitions: {(cohort_start,
    period_number): (cohort_size, active_customers, retention_rate)} and {person_key: (frequency,
    recency, T, monetary_value)}."""
    rows = pq.read_table(orders_path, columns=["person_key", "order_date", "is_confirmed_order",
                                               "net_revenue_usd"]).to_pylist()
    data_end: date = max(row["order_date"] for row in rows)
    day_revenue: dict[str, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        if row["is_confirmed_order"]:
            day_revenue[row["person_key"]][row["order_date"]] += row["net_revenue_usd"]

    def month(day: date) -> int:
        return day.year * 12 + day.month - 1

    cohort_size: dict[int, int] = defaultdict(int)
    active: dict[tuple[int, int], int] = defaultdict(int)
    rfm = {}
    for person, revenue in day_revenue.items():
        days = sorted(revenue)
        cohort = month(days[0])
        cohort_size[cohort] += 1
        for active_month in {month(day) for day in days}:
            active[(cohort, active_month - cohort)] += 1
        repeat = [revenue[day] for day in days[1:]]
        rfm[person] = (len(repeat), float((days[-1] - days[0]).days), float((data_end - days[0]).days),
                       float(sum(repeat) / len(repeat)) if repeat else 0.0)
    cohorts = {}
    for cohort, size in cohort_size.items():
        for period in range(month(data_end) - cohort + 1):
            count = active.get((cohort, period), 0)
            cohorts[(date(cohort // 12, cohort % 12 + 1, 1), period)] = (size, count, count / size)
    return cohorts, rfm


def assert_cohorts_equal(frame: pd.DataFrame, expected: dict, who: str) -> None:
    got = {(pd.Timestamp(row.cohort_start).date(), int(row.period_number)):
           (int(row.cohort_size), int(row.active_customers), float(row.retention_rate))
           for row in frame.itertuples()}
    assert got.keys() == expected.keys(), who
    for key, (size, count, rate) in expected.items():
        assert got[key][:2] == (size, count), (who, key)
        assert abs(got[key][2] - rate) <= 1e-12, (who, key)


def assert_rfm_equal(frame: pd.DataFrame, expected: dict, who: str) -> None:
    got = {row.person_key: (int(row.frequency), float(row.recency), float(row.T), float(row.monetary_value))
           for row in frame.itertuples()}
    assert got.keys() == expected.keys(), who
    for person, (frequency, recency, age, monetary) in expected.items():
        assert got[person][:3] == (frequency, recency, age), (who, person)
        assert abs(got[person][3] - monetary) < 0.005, (who, person)  # to the cent
