"""How a mart reaches Great Expectations: the one module to replace when GX can read DuckDB.

GX 1.x has no DuckDB execution engine, and its SQL data source through duckdb_engine fails on
the first table metric (`MetricResolutionError: list index out of range` in `table.row_count`,
great_expectations issues #10738 and #11579). So the route is:

1. The warehouse is opened read-only (`open_warehouse`): the build must be over, and nothing
   here can change it.
2. Each mart is read into a pandas DataFrame (`load_mart`) and validated through GX's pandas data
   source: one dataframe asset per mart, with a whole-dataframe batch definition
   (`validate_in_gx`).
3. Memory is bounded by a deterministic sample: a mart with more than `SAMPLE_ROWS` rows is read
   as the `SAMPLE_ROWS` rows with the smallest DuckDB `hash()` of their grain columns
   (`sample_order_sql`). The same warehouse gives the same sample with the pinned duckdb (hash
   values may change between DuckDB releases; md5 would not, but costs about four times as
   much: 14 s instead of 4 s on the 42 million rows of fct_order_attribution at scale 1).
4. What a sample cannot prove runs in DuckDB on the full table (`runs_in_duckdb` decides,
   `sql_checks` evaluates): row counts, uniqueness of the grain, and every error-severity
   expectation on a row (a bad value in one row of fifty million is not in a sample of a
   hundred thousand). Distribution checks (severity warning) run in GX on the sample. The
   queries of `UnexpectedRowsExpectation` (business rules across rows and tables) always run
   in DuckDB: GX's pandas engine cannot run SQL.

When GX gets a DuckDB execution engine (pull request great_expectations #12084 proposes one; it
was open in November 2026) or its SQL data source works on DuckDB, replace `load_mart` and
`validate_in_gx` with a table asset on the warehouse and make `runs_in_duckdb` return False:
every expectation then runs in GX on the full table, with no sample, and the suites do not
change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from great_expectations.core import ExpectationSuite, ExpectationSuiteValidationResult
from great_expectations.data_context import AbstractDataContext
from great_expectations.expectations import (
    ExpectColumnValuesToBeUnique,
    ExpectCompoundColumnsToBeUnique,
    ExpectTableRowCountToBeBetween,
    ExpectTableRowCountToEqual,
    UnexpectedRowsExpectation,
)
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.metadata_types import FailureSeverity

from . import sql_checks
from .sql_checks import quote

# Rows of a mart validated in GX at most (pandas in memory): 25 to 100 MB a mart.
SAMPLE_ROWS = 100_000
# DuckDB memory of the full-table checks; beyond it, DuckDB spills to its temp directory. The
# grouping of the uniqueness check on fct_order_attribution (42 million rows at scale 1) is the
# largest consumer.
MEMORY_LIMIT = "2GB"

SCHEMA = "marts"

# Expectations that are about the whole table: a sample cannot prove them.
TABLE_LEVEL = (
    ExpectTableRowCountToEqual,
    ExpectTableRowCountToBeBetween,
    ExpectColumnValuesToBeUnique,
    ExpectCompoundColumnsToBeUnique,
)


class WarehouseError(Exception):
    """The warehouse file or one of its marts cannot be read."""


def open_warehouse(database: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only. Threads and the spill directory follow the build's settings
    (DUCKDB_THREADS, DUCKDB_TEMP_DIR); memory is `MEMORY_LIMIT` unless told otherwise."""
    if not database.is_file():
        raise WarehouseError(f"no warehouse at {database}: build it first (make dbt-build)")
    config: dict[str, Any] = {
        "memory_limit": memory_limit or MEMORY_LIMIT,
        "threads": int(os.environ.get("DUCKDB_THREADS", "2")),
        "preserve_insertion_order": False,
    }
    if os.environ.get("DUCKDB_TEMP_DIR"):
        config["temp_directory"] = os.environ["DUCKDB_TEMP_DIR"]
    try:
        con = duckdb.connect(str(database), read_only=True, config=config)
    except duckdb.Error as error:
        raise WarehouseError(f"cannot open {database} read-only: {error}") from error
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")
    return con


def sample_order_sql(grain: tuple[str, ...]) -> str:
    """The sampling key of a row: DuckDB's hash of its grain columns (the smallest are sampled)."""
    return f"hash({', '.join(quote(column) for column in grain)})"


@dataclass
class MartData:
    """A mart as GX sees it: the DataFrame, and how it relates to the full table."""

    mart: str
    table: str
    rows: int
    dataframe: pd.DataFrame

    @property
    def is_sampled(self) -> bool:
        return len(self.dataframe) < self.rows

    def describe(self) -> str:
        if self.is_sampled:
            return f"sample of {len(self.dataframe):,} of {self.rows:,} rows"
        return f"all {self.rows:,} rows"


def mart_exists(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    return con.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [SCHEMA, mart]
    ).fetchone()[0] > 0


def load_mart(con: duckdb.DuckDBPyConnection, mart: str, grain: tuple[str, ...],
              sample_rows: int = SAMPLE_ROWS) -> MartData:
    """Read a mart for GX: the whole table up to `sample_rows` rows, else the deterministic sample."""
    if not mart_exists(con, mart):
        raise WarehouseError(f"{SCHEMA}.{mart} is not in the warehouse")
    table = f"{SCHEMA}.{quote(mart)}"
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    if rows <= sample_rows:
        frame = con.execute(f"select * from {table}").df()
    else:
        frame = con.execute(
            f"select * from {table} order by {sample_order_sql(grain)} limit {int(sample_rows)}"
        ).df()
    return MartData(mart=mart, table=table, rows=rows, dataframe=frame)


def runs_in_duckdb(expectation: Expectation, data: MartData) -> bool:
    """Where an expectation runs: GX on the DataFrame, or DuckDB on the full table."""
    if isinstance(expectation, UnexpectedRowsExpectation):
        return True
    if not data.is_sampled:
        return False
    if isinstance(expectation, TABLE_LEVEL):
        return True
    return expectation.severity == FailureSeverity.CRITICAL and sql_checks.supports(expectation)


def add_datasource(context: AbstractDataContext, name: str = SCHEMA):
    """GX's pandas data source, one dataframe asset per mart added as it is validated."""
    return context.data_sources.add_pandas(name)


def validate_in_gx(datasource, data: MartData, suite: ExpectationSuite,
                   parameters: dict[str, Any], result_format: dict[str, Any]) -> ExpectationSuiteValidationResult:
    """Run a suite on the mart's DataFrame: a dataframe asset and a whole-dataframe batch."""
    asset = datasource.add_dataframe_asset(data.mart)
    batch_definition = asset.add_batch_definition_whole_dataframe(f"{data.mart}_whole_dataframe")
    batch = batch_definition.get_batch(batch_parameters={"dataframe": data.dataframe})
    return batch.validate(suite, result_format=result_format, expectation_parameters=parameters)
