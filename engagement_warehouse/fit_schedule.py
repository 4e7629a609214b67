"""The refit schedule of the fits (var fit_refit_every_days; DECISIONS.md "Issue 22: a refit
schedule for the fits"), shared by the dbt Python models and the Spark job.

With N = fit_refit_every_days above 1, a fit learns from the data as it stood on its anchor: the
latest day up to the data end (int_data_end) that lies a whole number of N-day periods after
EPOCH. The anchor depends on the data only, not on when or how often the warehouse was built, so
an incremental run and a full refresh learn from the same rows. An incremental fit model stores
its anchor and the fingerprint of everything the fit reads (its training rows, seeds, settings);
a run that finds both unchanged keeps the stored fit instead of fitting again. With N = 1 (the
default) there is no anchor: the fits learn from every row, as before the schedule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

# the day the N-day periods count from (a Thursday; any fixed day would do)
EPOCH = date(1970, 1, 1)


def anchor_date(data_end: date | None, every_days: int) -> date | None:
    """The latest day <= data_end that is a multiple of every_days days after EPOCH; None (no
    anchor: learn from every row) when every_days is 1 or less or there is no data end."""
    if every_days <= 1 or data_end is None:
        return None
    return data_end - timedelta(days=(data_end - EPOCH).days % every_days)


def data_end_of(int_data_end: pa.Table) -> date | None:
    """The one value of int_data_end.data_end_date (None for an empty warehouse)."""
    values = int_data_end.column("data_end_date").to_pylist()
    return values[0] if values else None


def observed_by(table: pa.Table, date_column: str, anchor: date | None) -> pa.Table:
    """The rows a fit anchored on `anchor` learns from: those whose date_column is on or before
    it (a row without a date is not observed by any anchor); every row when anchor is None."""
    if anchor is None:
        return table
    return table.filter(pc.less_equal(table.column(date_column), pa.scalar(anchor, pa.date32())))


def fingerprint(tables: dict[str, pa.Table], settings: dict) -> str:
    """md5 (hex) of the tables' rows, whatever their order, and of the settings: equal for equal
    inputs, different (but for an md5 collision) when a row, a column value or a setting differs.

    Vectorised in an in-process DuckDB on the Arrow tables (no Python work per row): per table,
    the md5 of each row's JSON (its columns in name order), sorted and joined, md5'd again with the
    table's name and row count; then the md5 of those and of the settings."""
    digest = hashlib.md5()
    with duckdb.connect(":memory:") as connection:
        for name in sorted(tables):
            table = tables[name]
            connection.register("fingerprinted", table.select(sorted(table.column_names)))
            rows, rows_md5 = connection.sql(
                "select count(*), md5(coalesce(string_agg(row_md5, '' order by row_md5), '')) "
                "from (select md5(to_json(fingerprinted)) as row_md5 from fingerprinted)").fetchall()[0]
            connection.unregister("fingerprinted")
            digest.update(json.dumps([name, rows, rows_md5]).encode("utf-8"))
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class Fit:
    """What identifies a fit: its anchor (None: every row) and the fingerprint of its inputs."""
    anchor: date | None
    fingerprint: str


def stored_fit(stored: pa.Table | None, anchor_column: str, fingerprint_column: str) -> Fit | None:
    """The fit a stored fit table (or score table) holds: the one (anchor, fingerprint) of its
    rows; None when there is no table, no row, or rows of more than one fit."""
    if stored is None or stored.num_rows == 0:
        return None
    pairs = {(row[anchor_column], row[fingerprint_column])
             for row in stored.select([anchor_column, fingerprint_column]).to_pylist()}
    if len(pairs) != 1:
        return None
    anchor, fitted = pairs.pop()
    return Fit(anchor, fitted)


def keeps_stored_fit(stored: Fit | None, current: Fit) -> bool:
    """Whether a run keeps the stored fit: only when it was fitted on the same anchor from the
    same inputs (then fitting again would give the same fit); otherwise it refits."""
    return stored is not None and stored == current


def read_stored(session, relation, columns: list[str] | None = None) -> pa.Table | None:
    """A dbt Python model's previous rows on DuckDB (`session` its connection, `relation` dbt.this):
    `columns` of them (default all), or None when the table lacks one of them - a table built
    before the schedule, which the run then refits (the model's on_schema_change adds the columns)."""
    present = session.sql(f"select * from {relation} limit 0").columns
    wanted = columns or present
    if any(column not in present for column in wanted):
        return None
    return session.sql(f"select {', '.join(wanted)} from {relation}").to_arrow_table()


def with_fit(table: pa.Table, fit: Fit, anchor_column: str, fingerprint_column: str) -> pa.Table:
    """The table with the fit's anchor and fingerprint appended to every row."""
    table = table.append_column(pa.field(anchor_column, pa.date32()), pa.array([fit.anchor] * table.num_rows, pa.date32()))
    return table.append_column(pa.field(fingerprint_column, pa.string()),
                               pa.array([fit.fingerprint] * table.num_rows, pa.string()))


def kept_or_refitted(stored: pa.Table | None, fit: Fit, schema: pa.Schema, anchor_column: str,
                     fingerprint_column: str, refit) -> pa.Table:
    """A fit model's rows: the stored ones (the model's previous rows, None on a full build) when
    they hold the same fit, else refit() (a function returning the fit's rows without the two
    columns) with the fit's anchor and fingerprint; in `schema` either way."""
    if keeps_stored_fit(stored_fit(stored, anchor_column, fingerprint_column), fit):
        return stored.select(schema.names).cast(schema)
    return with_fit(refit(), fit, anchor_column, fingerprint_column).select(schema.names).cast(schema)
