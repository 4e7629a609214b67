"""`engagement-warehouse compare-engines`: every mart built on Spark against the same mart built
on DuckDB from the same raw files.

Per mart: the row counts, the keys (the mart's primary key, found in dbt's manifest as its
`unique` or `unique_combination_of_columns` test), and every other column on the rows matched by
key: DECIMAL money and every integer, text, date, timestamp or boolean column exactly (so money
to the cent), DOUBLE columns within FLOAT_TOLERANCE (sums of doubles in another order, and the
fits on them, differ in the last bits). `loaded_at` records when a row was computed and is left
out. A mart without a key test is compared as a multiset of rows. One line per mart:
`match` or `differs` with what differs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

SCHEMA = "marts"
PROJECT = "latam_engagement"
IGNORED_COLUMNS = {"loaded_at"}
# |spark - duckdb| <= ABSOLUTE + RELATIVE * |duckdb|
FLOAT_TOLERANCE = {"absolute": 1e-9, "relative": 1e-9}


@dataclass
class MartComparison:
    mart: str
    duckdb_rows: int | None
    spark_rows: int | None
    key: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.problems

    def line(self) -> str:
        rows = f"{self.duckdb_rows:,} rows" if self.duckdb_rows == self.spark_rows else \
            f"{self.duckdb_rows} rows on DuckDB, {self.spark_rows} on Spark"
        key = f"key {', '.join(self.key)}" if self.key else "no key: rows as a multiset"
        if self.matches:
            return f"{self.mart}: match ({rows}, {key})"
        return f"{self.mart}: differs ({rows}, {key}): " + "; ".join(self.problems)


def mart_keys(manifest_path: Path) -> dict[str, list[str]]:
    """Each model's primary key as its tests declare it: a unique_combination_of_columns test,
    else a column's unique test."""
    manifest = json.loads(Path(manifest_path).read_text())
    keys: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata") or not node.get("attached_node"):
            continue
        model = node["attached_node"].split(".")[-1]
        kwargs = node["test_metadata"].get("kwargs", {})
        name = node["test_metadata"]["name"]
        if name == "unique_combination_of_columns":
            keys[model] = list(kwargs["combination_of_columns"])
        elif name == "unique" and model not in keys:
            keys[model] = [kwargs["column_name"]]
    return keys


def _normalised(table: pa.Table) -> pa.Table:
    """Timestamps as UTC without a zone (Spark hands them with a zone, DuckDB without), columns
    in name order, loaded_at dropped."""
    columns, names = [], []
    for name in sorted(table.column_names):
        if name in IGNORED_COLUMNS:
            continue
        column = table.column(name)
        if pa.types.is_timestamp(column.type) and column.type.tz is not None:
            column = column.cast(pa.timestamp("us"))
        columns.append(column)
        names.append(name)
    return pa.table(columns, names=names)


def compare_tables(mart: str, duck: pa.Table, spark: pa.Table, key: list[str] | None) -> MartComparison:
    duck, spark = _normalised(duck), _normalised(spark)
    result = MartComparison(mart, duck.num_rows, spark.num_rows, list(key or []))
    if duck.num_rows != spark.num_rows:
        result.problems.append(f"row counts {duck.num_rows:,} (DuckDB) vs {spark.num_rows:,} (Spark)")
    only_duck = sorted(set(duck.column_names) - set(spark.column_names))
    only_spark = sorted(set(spark.column_names) - set(duck.column_names))
    if only_duck or only_spark:
        result.problems.append(f"columns only on DuckDB {only_duck}, only on Spark {only_spark}")
    columns = [name for name in duck.column_names if name in spark.column_names]
    with duckdb.connect() as con:
        con.register("duck", duck)
        con.register("spark", spark)
        if not result.key or any(name not in columns for name in result.key):
            result.key = []
            _compare_multisets(con, columns, duck, result)
        else:
            _compare_by_key(con, columns, duck, result)
    return result


def _is_float(table: pa.Table, column: str) -> bool:
    return pa.types.is_floating(table.schema.field(column).type)


def _differs(column: str, is_float: bool) -> str:
    left, right = f"duck.{column}", f"spark.{column}"
    if not is_float:
        return f"{left} is distinct from {right}"
    return (f"(({left} is null) <> ({right} is null) or abs({left} - {right}) > "
            f"{FLOAT_TOLERANCE['absolute']} + {FLOAT_TOLERANCE['relative']} * abs({left}))")


def _compare_by_key(con, columns: list[str], duck: pa.Table, result: MartComparison) -> None:
    def matching(left: str, right: str) -> str:
        return " and ".join(f"{left}.{name} is not distinct from {right}.{name}" for name in result.key)

    on = matching("duck", "spark")
    key_list = ", ".join(f"duck.{name}" for name in result.key)
    repeats = [con.execute(f"select count(*) - count(distinct ({', '.join(result.key)})) from {side}").fetchone()[0]
               for side in ("duck", "spark")]
    if any(repeats):
        result.problems.append(f"key not unique ({repeats[0]} repeats on DuckDB, {repeats[1]} on Spark)")
    only_duck = con.execute(f"select count(*) from duck anti join spark on {on}").fetchone()[0]
    only_spark = con.execute(f"select count(*) from spark anti join duck on {matching('spark', 'duck')}").fetchone()[0]
    if only_duck or only_spark:
        result.problems.append(f"{only_duck:,} keys only on DuckDB, {only_spark:,} only on Spark")
    for column in columns:
        if column in result.key:
            continue
        condition = _differs(column, _is_float(duck, column))
        count, example = con.execute(f"""
            select count(*), any_value(({key_list})::varchar || ': ' || coalesce(duck.{column}::varchar, 'null')
                || ' vs ' || coalesce(spark.{column}::varchar, 'null'))
            from duck inner join spark on {on}
            where {condition}""").fetchone()
        if count:
            result.problems.append(f"{column} differs on {count:,} rows (e.g. {example})")


def _compare_multisets(con, columns: list[str], duck: pa.Table, result: MartComparison) -> None:
    # doubles rounded to 9 significant digits, so last-bit differences do not count
    select = ", ".join(
        f"case when {name} = 0 then 0 else round({name}, 8 - cast(floor(log10(abs({name}))) as integer)) end as {name}"
        if _is_float(duck, name) else name for name in columns)
    missing = con.execute(f"select count(*) from (select {select} from duck except all select {select} from spark)").fetchone()[0]
    extra = con.execute(f"select count(*) from (select {select} from spark except all select {select} from duck)").fetchone()[0]
    if missing or extra:
        result.problems.append(f"{missing:,} rows only on DuckDB, {extra:,} only on Spark")


def compare_engines(duckdb_path: Path, spark, manifest_path: Path) -> list[MartComparison]:
    """Every mart of either warehouse, compared."""
    keys = mart_keys(manifest_path)
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        duck_marts = {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = ?", [SCHEMA]).fetchall()}
        spark_marts = {row.tableName for row in spark.sql(f"show tables in {SCHEMA}").collect() if not row.isTemporary}
        results = []
        for mart in sorted(duck_marts | spark_marts):
            if mart not in spark_marts or mart not in duck_marts:
                where = "DuckDB" if mart in duck_marts else "Spark"
                results.append(MartComparison(mart, None, None, problems=[f"built on {where} only"]))
                continue
            duck = con.execute(f"select * from {SCHEMA}.{mart}").to_arrow_table()
            results.append(compare_tables(mart, duck, spark.table(f"{SCHEMA}.{mart}").toArrow(), keys.get(mart)))
    return results
