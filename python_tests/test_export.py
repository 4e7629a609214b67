"""Parquet exports let readers query the marts while dbt rebuilds the warehouse: during the build
they read the previous export, and while the new export is published they read either the old
or the new complete file, never a half-written one."""

from __future__ import annotations

import json
import threading
from datetime import date

import duckdb
import pytest

from engagement_warehouse.export import export_marts
from engagement_warehouse.generator import append_days, generate

from .conftest import MODELS_AND_SEEDS, run_dbt



class Reader(threading.Thread):
    """Counts the rows of an exported mart over and over until stopped, keeping every answer and
    every error."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.counts, self.errors = path, [], []
        self.stop = threading.Event()

    def run(self):
        con = duckdb.connect()
        while not self.stop.is_set():
            try:
                self.counts.append(con.execute(f"select count(*) from read_parquet('{self.path}')").fetchone()[0])
            except duckdb.Error as error:  # pragma: no cover - what the test must not see
                self.errors.append(str(error))


@pytest.fixture(scope="module")
def two_exports(tmp_path_factory):
    work = tmp_path_factory.mktemp("export")
    raw = work / "raw"
    generate(raw, scale=0.005, seed=3, end=date(2026, 9, 20))
    first = run_dbt(MODELS_AND_SEEDS, raw, work / "build")
    assert first.returncode == 0, first.output[-2000:]
    exports = work / "exports"
    before = {mart.mart: mart.rows for mart in export_marts(first.database, exports)}
    append_days(raw, days=10)
    return work, raw, first.database, exports, before


def test_every_mart_is_exported_with_its_row_count(two_exports):
    _, _, database, exports, before = two_exports
    with duckdb.connect(str(database), read_only=True) as con:
        marts = {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}
    assert set(before) == marts and len(marts) >= 20
    manifest = json.loads((exports / "_exports.json").read_text())
    assert {name: entry["rows"] for name, entry in manifest["marts"].items()} == before
    con = duckdb.connect()
    for mart, rows in before.items():
        assert con.execute(f"select count(*) from read_parquet('{exports / (mart + '.parquet')}')").fetchone()[0] == rows
    assert not list(exports.glob(".*.tmp"))


def test_readers_see_the_old_export_during_a_build_and_old_or_new_while_it_is_published(two_exports):
    work, raw, database, exports, before = two_exports
    target = exports / "fct_orders.parquet"
    reader = Reader(target)
    reader.start()
    # the build holds the warehouse for writing; readers of the exports are not affected
    rebuilt = run_dbt(MODELS_AND_SEEDS, raw, work / "build")
    assert rebuilt.returncode == 0, rebuilt.output[-2000:]
    during_build = list(reader.counts)
    with duckdb.connect(str(database), read_only=True) as con:
        after_rows = con.execute("select count(*) from marts.fct_orders").fetchone()[0]
    assert after_rows > before["fct_orders"]
    # publish the new export several times while the reader keeps reading
    for _ in range(5):
        export_marts(database, exports)
    reader.stop.set()
    reader.join(timeout=30)
    assert reader.errors == []
    assert during_build and set(during_build) == {before["fct_orders"]}
    assert set(reader.counts) <= {before["fct_orders"], after_rows}
    assert reader.counts[-1] == after_rows


def test_timestamps_are_exported_as_utc_instants(tmp_path, monkeypatch):
    """A mart's TIMESTAMP (a UTC instant without a zone) reaches a Parquet reader as
    timestamp[us, tz=UTC] with the same instant, whatever the exporting machine's zone."""
    import time
    from datetime import datetime, timezone

    import pyarrow.parquet as pq

    monkeypatch.setenv("TZ", "America/Sao_Paulo")  # UTC-3: a cast in the local zone would shift 3 h
    time.tzset()
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_orders (order_id varchar, order_ts timestamp, order_date date)")
        con.execute("insert into marts.fct_orders values ('o1', '2026-03-01 12:34:56.5', '2026-03-01'), "
                    "('o2', null, null)")
    export_marts(database, tmp_path / "exports")
    monkeypatch.delenv("TZ")
    time.tzset()
    table = pq.read_table(tmp_path / "exports" / "fct_orders.parquet")
    assert str(table.schema.field("order_ts").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("order_date").type) == "date32[day]"
    assert table.column("order_ts").to_pylist() == [datetime(2026, 3, 1, 12, 34, 56, 500000, tzinfo=timezone.utc), None]
    assert table.column("order_id").to_pylist() == ["o1", "o2"]


def test_the_exported_marts_timestamps_say_utc(two_exports):
    import pyarrow.parquet as pq

    _, _, _, exports, _ = two_exports
    schema = pq.read_schema(exports / "fct_orders.parquet")
    assert str(schema.field("order_ts").type) == "timestamp[us, tz=UTC]"
    assert str(schema.field("cod_confirmed_ts").type) == "timestamp[us, tz=UTC]"
    assert str(schema.field("net_revenue_usd").type) == "decimal128(18, 2)"
