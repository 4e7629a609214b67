"""Turns the simulated arrays into the raw tables of the contract and writes them.

numpy holds integer codes; DuckDB turns them into the contract's text ids, names, JSON and
decimal amounts in one vectorised pass per table, applies the bad rows, and writes Parquet or
CSV. Rows keep their order, so the same seed gives byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from .bad_rows import BREAKS, DUPLICATE, BadRowPlan, apply_breaks


def dictionary(codes: np.ndarray, values: list[str]) -> pa.Array:
    """Categorical column from integer codes; a negative code is null."""
    codes = np.asarray(codes)
    return pa.DictionaryArray.from_arrays(pa.array(np.where(codes < 0, 0, codes).astype(np.int32),
                                                   mask=codes < 0), pa.array(values, pa.string()))


def timestamps(seconds: np.ndarray) -> pa.Array:
    """UTC timestamps (whole seconds, no time zone); NaN is null."""
    seconds = np.asarray(seconds, dtype=np.float64)
    missing = np.isnan(seconds)
    micros = np.floor(np.where(missing, 0.0, seconds)).astype(np.int64) * 1_000_000
    return pa.array(micros, pa.int64(), mask=missing).cast(pa.timestamp("us"))


def integers(values: np.ndarray, missing_below: int | None = None) -> pa.Array:
    values = np.asarray(values).astype(np.int64)
    mask = values < missing_below if missing_below is not None else None
    return pa.array(values, pa.int64(), mask=mask)


def cents_to_decimal(column: str) -> str:
    """SQL: an integer number of cents as DECIMAL(18,2), exactly."""
    return f"cast(cast({column} as decimal(18, 0)) * 0.01 as decimal(18, 2))"


def write_table(con: duckdb.DuckDBPyConnection, table: str, source: dict[str, pa.Array],
                select: dict[str, str], plan: BadRowPlan, arrived: np.ndarray, path: Path,
                file_format: str) -> tuple[int, dict[str, int]]:
    """Writes one raw table in one pass: the select list (with its bad-row breaks) over the
    source columns of the rows that have arrived, plus their duplicated rows appended at the
    end. Returns the number of rows written and of bad rows per kind among them."""
    data = pa.table({**source, "bad_kind": pa.array(plan.kind_of_row, pa.int8())})
    if plan.duplicate_of.size:
        duplicate_kind = [kind for kind, _ in BREAKS[table]].index(DUPLICATE)
        copies = data.take(pa.array(plan.duplicate_of))
        copies = copies.set_column(copies.num_columns - 1, "bad_kind",
                                   pa.array(np.full(copies.num_rows, duplicate_kind, np.int8)))
        data = pa.concat_tables([data, copies])
        arrived = np.concatenate([arrived, arrived[plan.duplicate_of]])
    data = data.filter(pa.array(arrived))
    kinds = np.asarray(data.column("bad_kind").to_numpy(zero_copy_only=False))
    counts = {kind: int((kinds == index).sum()) for index, (kind, _) in enumerate(BREAKS[table])
              if kind in plan.counts}
    columns = ",\n    ".join(f"{expression} as {name}" for name, expression in apply_breaks(table, select).items())
    if file_format == "parquet":
        options = "format parquet, compression zstd, row_group_size 1000000"
    else:
        options = "format csv, header true, timestampformat '%Y-%m-%d %H:%M:%S'"
    con.register("source_rows", data)
    try:
        con.execute(f"copy (select\n    {columns}\nfrom source_rows) to '{path}' ({options})")
    finally:
        con.unregister("source_rows")
    return data.num_rows, counts
