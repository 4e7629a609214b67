"""The Great Expectations checkpoint (`engagement-warehouse quality`) on a small built warehouse.

One dbt build at scale 0.005. The checkpoint must pass on it; then a copy is corrupted with
values outside what a column can hold, the checkpoint's own kind of rule (an order in 0
instalments, a signup a year after the run, a cohort period with -1 orders; keys, amounts and
rates are dbt's tests, see test_dbt_guard.py) and the checkpoint must fail, naming mart, column
and expectation, both when GX sees the bad rows and when a mart is sampled and only the
full-table checks in DuckDB can. A second run compares each mart with the figures the first
stored: a mart that lost most of its rows or whose category mix moved is a drift warning.
The Data Docs must hold no e-mail address or phone number, and open offline in headless
Chromium, styled, with their validation lists (a screenshot of each page goes to
target/quality_screenshots/).

A retailer with no events, feedback, marketing spend or privacy requests (their raw files with
no rows) has empty marts: the checkpoint passes on that warehouse, and on a copy with every
mart emptied it fails only where rows must be, one line each, never with a traceback. The
retailer's distribution bounds (quality_expectations.yml) are honoured: a narrowed bound warns.
With a stored previous run, every mart emptied is a row-count drift warning for each mart that
had rows.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from great_expectations.expectations import UnexpectedRowsExpectation
from great_expectations.expectations.metadata_types import FailureSeverity

from engagement_warehouse.cli import main
from engagement_warehouse.generator import generate
from engagement_warehouse.quality import offline_docs, settings, source, sql_checks
from engagement_warehouse.quality.suites import registry

from .browser import headless_chromium
from .conftest import MODELS_AND_SEEDS, PROJECT_DIR, run_dbt

CORRUPTED_MARTS = ["fct_orders", "dim_customers", "cohort_retention"]
# The sources a retailer may not have: their raw files with no rows, the columns kept.
OPTIONAL_SOURCES = ["events", "feedback", "marketing_spend", "privacy_requests"]
# ... and the marts that are then empty.
EMPTY_WITHOUT_THEM = ["fct_sessions", "customer_engagement_monthly", "fct_feedback", "feedback_summary"]
SCREENSHOTS = PROJECT_DIR / "target" / "quality_screenshots"
CLI = str(Path(sys.executable).with_name("engagement-warehouse"))

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# international (+55 11 91234 5678, +52-55-1234-5678) or digits only as staging normalises them
PHONE = re.compile(r"\+\d{1,3}[ .-]?\(?\d{1,4}\)?[ .-]?\d{3,5}[ .-]?\d{4}\b|(?<![\w.])\d{10,13}(?![\w.])")


def checkpoint(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["quality", *args])
    return code, out.getvalue()


def summary_line(output: str, mart: str) -> list[str]:
    return next(line.split() for line in output.splitlines() if line.split()[:1] == [mart])


@pytest.fixture(scope="module")
def warehouse(built_warehouse) -> Path:
    return built_warehouse.database


@pytest.fixture(scope="module")
def clean_run(warehouse, tmp_path_factory) -> tuple[int, str, Path]:
    docs = tmp_path_factory.mktemp("quality_docs")
    code, output = checkpoint("--database", str(warehouse), "--docs-dir", str(docs))
    return code, output, docs


@pytest.fixture(scope="module")
def corrupted(warehouse, tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("quality_corrupted") / "warehouse.duckdb"
    shutil.copy(warehouse, database)
    grain = next(s.grain for s in registry() if s.mart == "cohort_retention")
    with duckdb.connect(str(database)) as con:
        con.execute("""
            update marts.fct_orders set installments = 0
            where order_id = (select min(order_id) from marts.fct_orders where is_confirmed_order)
        """)
        con.execute("""
            update marts.dim_customers set signup_ts = current_timestamp::timestamp + interval 365 day
            where customer_id = (select min(customer_id) from marts.dim_customers)
        """)
        # the row a sample would take last: only the full-table check can see it when the mart is sampled
        con.execute(f"""
            update marts.cohort_retention set orders = -1
            where ({', '.join(grain)}) = (
                select ({', '.join(grain)}) from marts.cohort_retention where period_number > 0
                order by {source.sample_order_sql(grain)} desc limit 1
            )
        """)
    return database


def test_every_mart_has_a_suite(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = {row[0] for row in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'")
                 .fetchall()}
    assert {suite.mart for suite in registry()} == marts


def test_every_error_expectation_can_be_proven_on_the_full_table():
    """A sampled mart checks its error-severity expectations in DuckDB: each must be translatable."""
    for suite in registry():
        for expectation in suite.all_expectations():
            assert expectation.severity in (FailureSeverity.CRITICAL, FailureSeverity.WARNING)
            if expectation.severity == FailureSeverity.CRITICAL:
                assert sql_checks.supports(expectation), (suite.mart, type(expectation).__name__)
            if isinstance(expectation, UnexpectedRowsExpectation):
                assert "{batch}" in expectation.unexpected_rows_query and expectation.description


def test_the_built_warehouse_passes_every_suite(clean_run):
    code, output, _ = clean_run
    assert code == 0, output
    for suite in registry():
        _, checks, passed, failed, worst, *_ = summary_line(output, suite.mart)
        assert (failed, worst) == ("0", "-"), output
        assert checks == passed
    assert "FAILED" not in output


def test_data_docs_have_every_suite_and_no_personal_data(clean_run, warehouse):
    _, _, docs = clean_run
    pages = [docs / "index.html", *docs.glob("expectations/*.html"), *docs.glob("validations/**/*.html")]
    assert len(pages) == 1 + 2 * len(registry())
    html = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    for suite in registry():
        assert suite.mart in html

    with duckdb.connect(str(warehouse), read_only=True) as con:
        emails, phones = zip(*con.execute(
            "select email, phone from staging.stg_shop__customers where email is not null and phone is not null"
        ).fetchall())
    # the patterns do find personal data where it is
    assert all(EMAIL.search(email) for email in emails[:50])
    assert all(PHONE.search(phone) for phone in phones[:50])
    assert PHONE.search("call +55 11 91234 5678")

    assert EMAIL.findall(html) == []
    assert PHONE.findall(html) == []
    assert not [value for value in emails + phones if value in html]


def test_a_corrupted_warehouse_fails_naming_mart_column_and_expectation(corrupted, tmp_path):
    code, output = checkpoint("--database", str(corrupted), "--docs-dir", str(tmp_path / "docs"),
                              *[arg for mart in CORRUPTED_MARTS for arg in ("--mart", mart)])
    assert code == 1, output
    for mart in CORRUPTED_MARTS:
        assert summary_line(output, mart)[4] == "error", output
    failures = [line for line in output.splitlines() if line.startswith("FAILED")]
    expected = [
        "FAILED [error] fct_orders.installments: expect_column_values_to_be_between(min_value=1",
        "FAILED [error] dim_customers.signup_ts: expect_column_values_to_be_between(min_value=2000-01-01 00:00:00",
        "FAILED [error] cohort_retention.orders: expect_column_values_to_be_between(min_value=0",
    ]
    for text in expected:
        assert sum(line.startswith(text) for line in failures) == 1, (text, output)
    assert len(failures) == 3, output
    # no value of the rows in the messages: counts only
    assert all(re.search(r": 1 of [\d,]+ rows unexpected \(", line) for line in failures), failures


def test_full_table_checks_catch_what_a_sample_misses(corrupted, tmp_path):
    code, output = checkpoint("--database", str(corrupted), "--docs-dir", str(tmp_path / "docs"),
                              "--sample-rows", "200", *[arg for mart in CORRUPTED_MARTS for arg in ("--mart", mart)])
    assert code == 1, output
    for mart in CORRUPTED_MARTS:
        assert "sample of 200 of" in " ".join(summary_line(output, mart)), output
    failures = [line for line in output.splitlines() if line.startswith("FAILED")]
    for text in ("fct_orders.installments: expect_column_values_to_be_between",
                 "dim_customers.signup_ts: expect_column_values_to_be_between",
                 "cohort_retention.orders: expect_column_values_to_be_between"):
        assert any(text in line and line.endswith("(DuckDB, full table)") for line in failures), (text, output)


def narrowed_settings(tmp_path: Path, mart: str, column: str, **bounds) -> Path:
    """A copy of the shipped settings with one bound changed."""
    text = settings.DEFAULT_PATH.read_text(encoding="utf-8")
    import yaml

    data = yaml.safe_load(text)
    entry = next(e for e in data[mart] if e["column"] == column)
    entry.update(bounds)
    path = tmp_path / "quality_expectations.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_the_shipped_bounds_are_warnings_that_hold_for_any_retailer(tmp_path):
    bounds = settings.load(settings.DEFAULT_PATH)
    assert set(bounds) <= {suite.mart for suite in registry()}
    assert sum(map(len, bounds.values())) >= 30
    for mart, entries in bounds.items():
        for bound in entries:
            expectation = bound.expectation()
            assert expectation.severity == FailureSeverity.WARNING
            assert bound.meaning and bound.meaning in expectation.notes
            # shares and rates: the whole of 0 to 1; a difference of two shares (a retention lift):
            # the whole of -1 to 1; amounts and counts: no upper bound
            assert (bound.min_value, bound.max_value) in {(0, 1), (-1, 1), (0, None), (1, None), (-100, 100)}, \
                (mart, bound)
    opt_in = next(b for b in bounds["dim_customers"] if b.column == "marketing_opt_in")
    assert (opt_in.kind, opt_in.min_value, opt_in.max_value) == ("mean", 0, 1)
    # the demo data set's bounds are gone from the suites: no warning is left in code but the model checks
    no_settings = tmp_path / "none.yml"
    no_settings.write_text("{}\n", encoding="utf-8")
    coded = [(s.mart, type(e).__name__) for s in registry(settings_path=no_settings)
             for e in s.all_expectations() if e.severity == FailureSeverity.WARNING]
    assert sorted(coded) == [("clv_model_params", "ExpectColumnDistinctValuesToBeInSet"),
                             ("clv_model_params", "ExpectColumnValuesToBeBetween")]


def test_a_narrowed_bound_warns_and_failed_warnings_alone_exit_zero(warehouse, tmp_path, monkeypatch):
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, database)
    with duckdb.connect(str(database)) as con:
        # every order with a coupon: a drift, not a broken rule
        con.execute("update marts.fct_orders set has_coupon = true")
    args = ("--database", str(database), "--docs-dir", str(tmp_path / "docs"), "--mart", "fct_orders")
    # the shipped bound (a share from 0 to 1) holds for any retailer
    code, output = checkpoint(*args)
    assert code == 0, output
    assert summary_line(output, "fct_orders")[3:5] == ["0", "-"], output
    # a retailer who expects at most 60% of orders with a coupon is warned
    monkeypatch.setenv(settings.ENV_VAR, str(narrowed_settings(tmp_path, "fct_orders", "has_coupon", max=0.6)))
    code, output = checkpoint(*args)
    assert code == 0, output
    assert summary_line(output, "fct_orders")[3:5] == ["1", "warning"], output
    assert "FAILED [warning] fct_orders.has_coupon: expect_column_mean_to_be_between(min_value=0, max_value=0.6" \
        in output
    assert "observed 1 (GX)" in output
    # ... and the other way round: a floor above the data warns too
    monkeypatch.setenv(settings.ENV_VAR, str(narrowed_settings(tmp_path, "fct_orders", "net_revenue_usd",
                                                               min=1_000_000)))
    code, output = checkpoint(*args)
    assert code == 0 and "FAILED [warning] fct_orders.net_revenue_usd: expect_column_mean_to_be_between" in output


def test_a_wrong_setting_is_one_line_naming_file_mart_and_bound(warehouse, tmp_path, monkeypatch, capsys):
    path = narrowed_settings(tmp_path, "repeat_purchase_summary", "repeat_purchase_rate", min=0.7, max=0.2)
    monkeypatch.setenv(settings.ENV_VAR, str(path))
    assert main(["quality", "--database", str(warehouse), "--docs-dir", str(tmp_path / "docs")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"engagement-warehouse quality: {path}: repeat_purchase_summary, bound 1 "
                   "(mean of repeat_purchase_rate): min 0.7 is greater than max 0.2")


# --- a retailer without events, feedback, marketing spend or privacy requests --------------------

@pytest.fixture(scope="module")
def without_optional_sources(tmp_path_factory) -> Path:
    """A warehouse built from raw files whose optional sources have no rows (same columns)."""
    import pyarrow.parquet as pq

    work = tmp_path_factory.mktemp("quality_without_sources")
    generate(work / "raw", scale=0.005, seed=42)
    for name in OPTIONAL_SOURCES:
        path = work / "raw" / f"{name}.parquet"
        table = pq.read_table(path)
        assert table.num_rows > 0
        pq.write_table(table.slice(0, 0), path)
    run = run_dbt(MODELS_AND_SEEDS, work / "raw", work / "build")
    assert run.returncode == 0, run.output[-3000:]
    return run.database


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    return subprocess.run([CLI, "quality", *args], capture_output=True, text=True, env=env, cwd=PROJECT_DIR,
                          timeout=600)


def test_empty_marts_pass_and_the_docs_say_they_are_empty(without_optional_sources, tmp_path):
    with duckdb.connect(str(without_optional_sources), read_only=True) as con:
        for mart in EMPTY_WITHOUT_THEM:
            assert con.execute(f"select count(*) from marts.{mart}").fetchone()[0] == 0, mart
        assert con.execute("select count(*) from marts.fct_orders").fetchone()[0] > 0
    docs = tmp_path / "docs"
    run = run_cli("--database", str(without_optional_sources), "--docs-dir", str(docs))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert "FAILED" not in run.stdout
    for mart in EMPTY_WITHOUT_THEM:
        line = " ".join(summary_line(run.stdout, mart))
        assert "all 0 rows" in line and "skipped (table has no rows)" in line, line
    index = (docs / "index.html").read_text(encoding="utf-8")
    for mart in EMPTY_WITHOUT_THEM:
        assert f"marts.{mart} (empty: 0 rows)" in index
        page = next((docs / "validations" / mart).glob("**/*.html")).read_text(encoding="utf-8")
        assert f"marts.{mart} (empty: 0 rows)" in page
    assert "marts.fct_orders (empty" not in index


def test_every_mart_emptied_is_a_row_count_drift_warning_against_the_previous_run(warehouse, tmp_path):
    """The checkpoint holds no row-count rule (dbt's row_count_compared tests do): emptied marts
    are a drift from the previous run, a warning per mart that had rows, and the exit code stays 0."""
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, database)
    docs = tmp_path / "docs"
    first = run_cli("--database", str(database), "--docs-dir", str(docs))
    assert first.returncode == 0, first.stdout + first.stderr
    suites = len(registry())
    assert f"Drift: 0 of {suites} marts compared with the previous run (none stored yet)" in first.stdout
    with duckdb.connect(str(database)) as con:
        marts = [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
        rows = {mart: con.execute(f"select count(*) from marts.{mart}").fetchone()[0] for mart in marts}
        for mart in marts:
            con.execute(f"delete from marts.{mart}")
    second = run_cli("--database", str(database), "--docs-dir", str(docs))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Traceback" not in second.stdout + second.stderr
    assert f"Drift: {suites} of {suites} marts compared with the previous run (" in second.stdout
    failures = [line for line in second.stdout.splitlines() if line.startswith("FAILED")]
    assert failures and all(line.startswith("FAILED [warning] ") for line in failures), failures
    row_counts = [line for line in failures if "expect_table_row_count_to_be_between" in line]
    assert sorted(line.split()[2].rstrip(":") for line in row_counts) == sorted(m for m in marts if rows[m] > 0)
    # the bounds are the previous count within 50% (quality_expectations.yml: drift.row_count)
    n = rows["fct_orders"]
    assert (f"FAILED [warning] fct_orders: expect_table_row_count_to_be_between(min_value={n // 2}, "
            f"max_value={-(-3 * n // 2)}): observed 0 (GX)") in row_counts
    assert all(line.endswith("observed 0 (GX)") for line in row_counts), row_counts
    history = json.loads((docs / "quality_history.json").read_text(encoding="utf-8"))
    assert [run["marts"]["fct_orders"]["rows"] for run in history] == [n, 0]


def test_a_category_mix_that_moved_is_a_drift_warning_naming_the_column(warehouse, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, database)
    docs = tmp_path / "docs"
    args = ("--database", str(database), "--docs-dir", str(docs), "--mart", "fct_orders")
    code, output = checkpoint(*args)
    assert code == 0, output
    history = json.loads((docs / "quality_history.json").read_text(encoding="utf-8"))
    shares = history[0]["marts"]["fct_orders"]["shares"]["payment_method"]
    assert abs(sum(shares.values()) - 1) < 1e-9 and max(shares.values()) < 0.9
    with duckdb.connect(str(database)) as con:
        con.execute("update marts.fct_orders set payment_method = 'pix'")
    code, output = checkpoint(*args)
    assert code == 0, output
    failures = [line for line in output.splitlines() if line.startswith("FAILED")]
    # pix went to 100% of orders; every other method that had more than 10% fell to 0
    moved = 1 + sum(share > 0.1 for method, share in shares.items() if method != "pix")
    assert failures == [
        'FAILED [warning] fct_orders: unexpected_rows_expectation "The share of each value of payment_method is '
        f'within 10% points of the previous run\'s": {moved:,} unexpected row{"s" if moved != 1 else ""} '
        "(DuckDB, full table)"], output


def test_a_gx_failure_is_one_line_per_expectation(warehouse, tmp_path, monkeypatch):
    """GX refusing a suite (here: a bug of ours that makes the row count bounds contradict) fails
    its expectations with GX's message on one line; the checkpoint carries on."""
    real = source.validate_in_gx

    def refuse(datasource, data, suite, parameters, result_format):
        if data.mart == "fct_order_items":
            raise ValueError("min_value (1) must be\nless than or equal to max_value (0)")
        return real(datasource, data, suite, parameters, result_format)

    monkeypatch.setattr(source, "validate_in_gx", refuse)
    code, output = checkpoint("--database", str(warehouse), "--docs-dir", str(tmp_path / "docs"),
                              "--mart", "fct_order_items", "--mart", "fct_orders")
    assert code == 1, output
    failures = [line for line in output.splitlines() if line.startswith("FAILED")]
    assert failures and all(line.startswith("FAILED [") and "fct_order_items" in line for line in failures)
    assert all(line.endswith("could not be evaluated: ValueError: min_value (1) must be less than or equal to "
                             "max_value (0) (GX)") for line in failures), failures
    assert summary_line(output, "fct_orders")[3] == "0"


# --- Data Docs offline -----------------------------------------------------------------------

STYLES_AND_SCRIPTS = re.compile(r"""<(?:link|script)\b[^>]*\b(?:href|src)\s*=\s*["']?(?:https?:)?//""", re.I)


def test_data_docs_reference_no_remote_style_or_script(clean_run):
    _, _, docs = clean_run
    pages = sorted(docs.glob("**/*.html"))
    assert len(pages) == 1 + 2 * len(registry())
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not STYLES_AND_SCRIPTS.search(html), page
        assert offline_docs.remote_references(html) == []
        assert "great-expectations-web-assets" not in html
        assert "static/vendor/bootstrap/dist/css/bootstrap.min.css" in html
    for url in offline_docs.ASSETS:
        assert (docs / offline_docs.local_path(url)).is_file(), url
    assert list((docs / "static/vendor/@fortawesome/fontawesome-free/webfonts").glob("fa-solid-900.woff2"))


PAGE_STATE = """
    const table = document.querySelector('table[data-toggle="table"]');
    const nav = document.querySelector('.navbar');
    const icon = document.querySelector('i.fas, i.fa, i[class*="fa-"]');
    return {
        jquery: typeof window.jQuery,
        bootstrapTable: !!(window.jQuery && jQuery.fn.bootstrapTable),
        vegaEmbed: typeof window.vegaEmbed,
        tableRows: table ? jQuery(table).bootstrapTable('getData').length : -1,
        builtByBootstrapTable: !!document.querySelector('.bootstrap-table .fixed-table-container'),
        navbarDisplay: nav ? getComputedStyle(nav).display : null,
        iconFont: icon ? getComputedStyle(icon, '::before').fontFamily : null,
        remote: performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('file:')),
    };
"""


def test_data_docs_render_styled_offline_in_chromium(clean_run):
    _, _, docs = clean_run
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    validation = next((docs / "validations" / "fct_orders").glob("**/*.html"))
    with headless_chromium() as driver:
        states = {}
        for name, page in (("index", docs / "index.html"), ("validation_fct_orders", validation)):
            driver.get(page.as_uri())
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                state = driver.execute_script(PAGE_STATE)
                if state["builtByBootstrapTable"] and state["tableRows"] > 0:
                    break
                time.sleep(0.2)
            driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
            states[name] = state
            # Bootstrap's navbar is a flex box (display: block unstyled); jQuery, bootstrap-table,
            # Vega and Font Awesome are loaded, all from files
            assert state["jquery"] == "function" and state["bootstrapTable"] and state["vegaEmbed"] == "function", state
            assert state["navbarDisplay"] == "flex", state
            assert "Font Awesome 6 Free" in (state["iconFont"] or ""), state
            assert state["builtByBootstrapTable"], state
            assert state["remote"] == [], state
        # the index lists one validation result per suite; the page lists the table-level results
        assert states["index"]["tableRows"] == len(registry()), states
        assert states["validation_fct_orders"]["tableRows"] >= 2, states
        driver.get((docs / "index.html").as_uri())
        assert driver.execute_script(
            "return getComputedStyle(document.querySelector('.btn-secondary')).backgroundColor") == "rgb(108, 117, 125)"
    assert (SCREENSHOTS / "index.png").stat().st_size > 20_000


def test_full_table_checks_in_duckdb_agree_with_gx():
    """The DuckDB translation of each expectation type gives GX's verdict and counts, nulls included."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    import pandas as pd

    frame = pd.DataFrame({
        "key": ["a", "b", "b", "c", None, "d"],
        "part": [1, 1, 1, 2, 2, None],
        "amount": [0.0, 5.5, -1.0, None, 12.0, 3.0],
        "other": [0.0, 6.0, -2.0, 1.0, None, 4.0],
        "label": ["x", "y", "z", None, "x", "x"],
    })
    expectations = [
        gxe.ExpectColumnValuesToNotBeNull(column="amount"),
        gxe.ExpectColumnValuesToNotBeNull(column="amount", mostly=0.8),
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, max_value=12, strict_max=True),
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, mostly=0.75),
        gxe.ExpectColumnValuesToBeInSet(column="label", value_set=["x", "y"]),
        gxe.ExpectColumnValuesToMatchRegex(column="label", regex="^[xz]$"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="other", column_B="amount", or_equal=True,
                                                    ignore_row_if="either_value_is_missing"),
        gxe.ExpectColumnValuesToBeUnique(column="key"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["key", "part"]),
        gxe.ExpectTableRowCountToEqual(value=6),
        gxe.ExpectTableRowCountToBeBetween(min_value=1, max_value=5),
    ]
    context = gx.get_context(mode="ephemeral")
    batch = (context.data_sources.add_pandas("p").add_dataframe_asset("frame")
             .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame}))
    with duckdb.connect() as con:
        con.register("frame_view", frame)
        con.execute("create table frame as select * from frame_view")
        in_duckdb = sql_checks.evaluate(con, "frame", [e.copy(deep=True) for e in expectations], {})
    for expectation, ours in zip(expectations, in_duckdb):
        theirs = batch.validate(expectation, result_format={"result_format": "SUMMARY"})
        name = type(expectation).__name__
        assert ours.success == theirs.success, (name, ours.result, theirs.result)
        for key in ("unexpected_count", "element_count", "missing_count", "observed_value"):
            if key in theirs.result:
                assert ours.result[key] == theirs.result[key], (name, key, ours.result, theirs.result)


def test_a_missing_warehouse_is_a_usage_error(tmp_path, capsys):
    assert main(["quality", "--database", str(tmp_path / "none.duckdb"), "--docs-dir", str(tmp_path)]) == 2
    assert "build it first" in capsys.readouterr().err


def test_a_captured_run_prints_a_line_per_suite_on_stderr(warehouse, tmp_path):
    wanted = ["feedback_summary", "fct_orders"]
    run = run_cli("--database", str(warehouse), "--docs-dir", str(tmp_path / "docs"),
                  *(argument for mart in wanted for argument in ("--mart", mart)))
    # the exit code is the checks' (and the offline Data Docs assets'), not this test's concern
    assert "Traceback" not in run.stdout + run.stderr
    in_order = [suite.mart for suite in registry() if suite.mart in wanted]
    assert [line for line in run.stderr.splitlines() if line.startswith("quality [")] == [
        f"quality [1/3] {in_order[0]}", f"quality [2/3] {in_order[1]}", "quality [3/3] Data Docs"]
    assert "quality [" not in run.stdout and summary_line(run.stdout, "fct_orders")[0] == "fct_orders"
