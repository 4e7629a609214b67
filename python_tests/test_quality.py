"""The Great Expectations checkpoint (`engagement-warehouse quality`) on a small built warehouse.

One dbt build at scale 0.005. The checkpoint must pass on it; then a copy is corrupted (negative
net revenue in fct_orders, a duplicated customer in dim_customers, a retention rate of 1.5 in
cohort_retention) and the checkpoint must fail, naming mart, column and expectation, both when
GX sees the bad rows and when a mart is sampled and only the full-table checks in DuckDB can.
The Data Docs must hold no e-mail address or phone number.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from great_expectations.expectations import UnexpectedRowsExpectation
from great_expectations.expectations.metadata_types import FailureSeverity

from engagement_warehouse.cli import main
from engagement_warehouse.quality import source, sql_checks
from engagement_warehouse.quality.suites import registry

CORRUPTED_MARTS = ["fct_orders", "dim_customers", "cohort_retention"]

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
            update marts.fct_orders set net_revenue_usd = -25.00
            where order_id = (select min(order_id) from marts.fct_orders where is_confirmed_order)
        """)
        con.execute("insert into marts.dim_customers select * from marts.dim_customers order by customer_id limit 1")
        # the row a sample would take last: only the full-table check can see it when the mart is sampled
        con.execute(f"""
            update marts.cohort_retention set retention_rate = 1.5
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
        ("[error] fct_orders.net_revenue_usd: expect_column_values_to_be_between(min_value=0"),
        ("[error] dim_customers.customer_id: expect_column_values_to_be_unique"),
        ("[error] dim_customers: expect_table_row_count_to_equal"),
        ("[error] cohort_retention.retention_rate: expect_column_values_to_be_between(min_value=0, max_value=1)"),
    ]
    for text in expected:
        assert any(text in line for line in failures), (text, output)
    # no value of the rows in the messages: counts only
    assert any("1 of " in line and "rows unexpected" in line for line in failures)


def test_full_table_checks_catch_what_a_sample_misses(corrupted, tmp_path):
    code, output = checkpoint("--database", str(corrupted), "--docs-dir", str(tmp_path / "docs"),
                              "--sample-rows", "200", *[arg for mart in CORRUPTED_MARTS for arg in ("--mart", mart)])
    assert code == 1, output
    for mart in CORRUPTED_MARTS:
        assert "sample of 200 of" in " ".join(summary_line(output, mart)), output
    failures = [line for line in output.splitlines() if line.startswith("FAILED")]
    for text in ("fct_orders.net_revenue_usd: expect_column_values_to_be_between",
                 "dim_customers.customer_id: expect_column_values_to_be_unique",
                 "cohort_retention.retention_rate: expect_column_values_to_be_between"):
        assert any(text in line and line.endswith("(DuckDB, full table)") for line in failures), (text, output)


def test_failed_warnings_alone_exit_zero(warehouse, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, database)
    with duckdb.connect(str(database)) as con:
        # every order with a coupon: a drift (mean of has_coupon above 0.6), not a broken rule
        con.execute("update marts.fct_orders set has_coupon = true")
    code, output = checkpoint("--database", str(database), "--docs-dir", str(tmp_path / "docs"),
                              "--mart", "fct_orders")
    assert code == 0, output
    assert summary_line(output, "fct_orders")[3:5] == ["1", "warning"], output
    assert "FAILED [warning] fct_orders.has_coupon: expect_column_mean_to_be_between" in output


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
