"""Whole-source failures and implausible values (issue 16, parts 4 and 6): a timestamp column in a
format staging cannot parse stops the run before any model runs, naming the file, the column, a
sample value and the formats understood; a source most of whose rows are rejected fails the build,
naming the source, the rule that rejected most rows and a rejected value, however small the source;
a corrupt Parquet page that decodes to implausible timestamps is quarantined, not loaded."""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from engagement_warehouse.generator import generate

from .conftest import MODELS_AND_SEEDS, read, run_dbt

SAMPLE_ROWS = 10000  # rows of a file whose timestamps the on-run-start hook checks


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory) -> Path:
    """Clean generated data (about 200 customers) as CSV, the format a retailer's export comes in."""
    out = tmp_path_factory.mktemp("raw_csv")
    generate(out, scale=0.002, seed=5, bad_row_share=0.0, file_format="csv")
    return out


@pytest.fixture(scope="module")
def parse_work(tmp_path_factory) -> Path:
    """One work folder for the runs that stop in the hook, so that dbt parses the project once."""
    return tmp_path_factory.mktemp("parse_work")


def rewrite_csv(raw: Path, table: str, replace: str) -> None:
    """Rewrites RAW_DATA_DIR/<table>.csv with a `select * replace (...)` of itself."""
    path = raw / f"{table}.csv"
    with duckdb.connect() as con:
        con.execute(f"create table t as select * from {read(raw, table, 'csv')}")
        con.execute(f"copy (select * replace ({replace}) from t) to '{path}' (format csv, header true)")


def first_values(path: Path, column: str, rows: int) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[column] for _, row in zip(range(rows), csv.DictReader(handle))]


@pytest.mark.parametrize("table,column,day_first", [
    ("marketing_spend", "spend_date", "%d/%m/%Y"),
    ("events", "event_ts", "%d/%m/%Y %H:%M:%S"),
    ("feedback", "submitted_ts", "%d/%m/%Y %H:%M:%S"),
    ("privacy_requests", "requested_ts", "%d/%m/%Y %H:%M:%S"),
    ("orders", "order_ts", "%d/%m/%Y %H:%M:%S"),
])
def test_a_day_first_timestamp_column_stops_the_run_before_any_model(
        small_csv, parse_work, tmp_path, table, column, day_first):
    raw = tmp_path / "raw"
    shutil.copytree(small_csv, raw)
    rewrite_csv(raw, table, f"strftime(cast({column} as timestamp), '{day_first}') as {column}")
    values = first_values(raw / f"{table}.csv", column, SAMPLE_ROWS)
    run = run_dbt(["build"], raw, parse_work, raw_format="csv")
    assert run.returncode != 0
    assert (f"{raw}/{table}.csv, column {column}: {len(values)} of {len(values)} values (in the first "
            f"{SAMPLE_ROWS} rows) are not in a timestamp format the build understands, e.g. '{min(values)}'"
            ) in run.output, run.output[-3000:]
    assert "Formats understood: ISO 8601 dates and times: YYYY-MM-DD, YYYY-MM-DD HH:MM:SS" in run.output
    # before any model: nothing was built (not even a test of a model, such as int_data_end's)
    assert "Done. PASS=" not in run.output and "not_null_int_data_end" not in run.output
    assert "Traceback" not in run.output


@pytest.fixture(scope="module")
def privacy_requests_all_rejected(small_csv, tmp_path_factory):
    """A small source (2 rows) every row of which breaks a rule: the old drift alarm left out
    sources under 1,000 rows, and the build passed."""
    base = tmp_path_factory.mktemp("privacy_all_rejected")
    raw = base / "raw"
    shutil.copytree(small_csv, raw)
    rewrite_csv(raw, "privacy_requests", "'delete_everything' as request_type")
    rows = duckdb.sql(f"select count(*) from {read(raw, 'privacy_requests', 'csv')}").fetchall()[0][0]
    return run_dbt(["build"], raw, base / "work", raw_format="csv"), rows, raw, base


def test_a_small_source_rejected_whole_fails_the_build_naming_rule_and_value(privacy_requests_all_rejected):
    run, rows, _, _ = privacy_requests_all_rejected
    assert rows == 2
    assert run.returncode == 1
    assert ("  - source privacy_requests: 0 of 2 rows clean (0.0%, floor 50.0%); most were rejected by rule "
            "unknown_enum_value on column request_type, e.g. value 'delete_everything'\n") in run.output
    # the empty optional sources (fx_rates, order_payments: 0 raw rows) and the healthy ones pass
    assert run.output.count("  - source ") == 1
    assert "--vars '{source_clean_share_floor_by_source: {privacy_requests: 0.2}}'" in run.output
    assert run.query("select clean_rows, clean_share, main_rejection_rule, example_rejected_value "
                     "from audit.audit_source_reconciliation where source_table = 'privacy_requests'") == [
        (0, 0.0, "unknown_enum_value", "delete_everything")]


def test_a_per_source_floor_lets_an_expected_share_through(privacy_requests_all_rejected):
    _, _, raw, base = privacy_requests_all_rejected
    # the floor is a column of the model: a build of it (and its tests) with the override passes
    run = run_dbt(["build", "--select", "audit_source_reconciliation",
                   "--vars", "{source_clean_share_floor_by_source: {privacy_requests: 0}}"],
                  raw, base / "work", raw_format="csv")
    assert run.returncode == 0, run.output[-3000:]
    assert run.query("select clean_share_floor from audit.audit_source_reconciliation "
                     "where source_table = 'privacy_requests'") == [(0.0,)]
    assert "PASS clean_share_at_least_floor_audit_source_reconciliation_" in run.output


def test_a_large_source_rejected_whole_fails_the_build(small_csv, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_csv, raw)
    rewrite_csv(raw, "events", "'fax' as platform")
    events = duckdb.sql(f"select count(*) from {read(raw, 'events', 'csv')}").fetchall()[0][0]
    run = run_dbt(["build"], raw, tmp_path / "work", raw_format="csv")
    assert run.returncode == 1
    assert (f"  - source events: 0 of {events} rows clean (0.0%, floor 50.0%); most were rejected by rule "
            "unknown_enum_value on column platform, e.g. value 'fax'\n") in run.output
    assert run.output.count("  - source ") == 1


def corrupt_column_chunk(path: Path, column: str, at: float, size: int = 4096, seed: int = 16) -> None:
    """Overwrites `size` bytes with seeded random bytes at fraction `at` of a column's chunk."""
    metadata = pq.ParquetFile(path).metadata
    assert metadata.num_row_groups == 1
    chunk = next(metadata.row_group(0).column(i) for i in range(metadata.num_columns)
                 if metadata.row_group(0).column(i).path_in_schema == column)
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    offset = start + int(chunk.total_compressed_size * at)
    data = bytearray(path.read_bytes())
    rng = random.Random(seed)
    data[offset:offset + size] = bytes(rng.randrange(256) for _ in range(size))
    path.write_bytes(bytes(data))


def test_corrupt_parquet_timestamps_are_quarantined_not_loaded(tmp_path):
    raw = tmp_path / "raw"
    generate(raw, scale=0.002, seed=5, bad_row_share=0.0)
    events = raw / "events.parquet"
    original = duckdb.sql(f"select event_ts from read_parquet('{events}')").fetchall()
    corrupt_column_chunk(events, "event_ts", at=0.7)
    # DuckDB decodes the page without an error (no page checksum is read): garbage timestamps
    decoded = duckdb.sql(f"select event_ts from read_parquet('{events}')").fetchall()
    changed = sum(a != b for a, b in zip(original, decoded))
    early, late = duckdb.sql(f"""select count(*) filter (where event_ts < timestamp '2000-01-01'),
                                        count(*) filter (where event_ts > now()::timestamp)
                                 from read_parquet('{events}')""").fetchall()[0]
    assert changed > 0 and early > 0 and late > 0
    # the models (a mart test may then fail too: an e-mail open whose send event was quarantined)
    run = run_dbt(MODELS_AND_SEEDS, raw, tmp_path / "work")
    assert run.returncode == 0, run.output[-3000:]
    rejected = dict(run.query("""select rejection_rule, count(*) from audit.audit_rejected_rows
                                 where source_table = 'events' group by rejection_rule"""))
    assert rejected == {"timestamp_before_lower_bound": early, "future_timestamp": late}
    # nothing implausible reaches staging or the sessions built on it
    for relation in ("staging.stg_shop__events", "intermediate.int_events_sessionized"):
        assert run.query(f"select count(*) from {relation} where event_ts < timestamp '2000-01-01' "
                         "or event_ts > now()::timestamp") == [(0,)], relation
    # above the drift alarm's 2%, below the floor: the build warns and goes on
    (rejected_rate, clean_share), = run.query("select rejected_rate, clean_share from "
                                              "audit.audit_source_reconciliation where source_table = 'events'")
    assert rejected_rate == pytest.approx((early + late) / len(original)) and 0.02 < rejected_rate < 0.5
    assert clean_share == pytest.approx(1 - rejected_rate)
