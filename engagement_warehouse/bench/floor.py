"""The floor: the least work any build of these raw files must do, one DuckDB pass that reads
every raw file once and aggregates every column of it.

One query, a `union all` of one aggregate per Parquet file: `count(*)` and `bit_xor(hash(c1, ...,
cn))` over all its columns. Hashing every value forces DuckDB to read and decompress each column
(a `count` or `min`/`max` alone could be answered from Parquet metadata), and costs little beyond
that. DuckDB gets the threads and memory limit of the dbt profile's duckdb output (rendered from
profiles.yml: DUCKDB_THREADS, DUCKDB_MEMORY_LIMIT or the profile's defaults), in a fresh
in-memory connection. The connection and the SQL
(which reads each file's schema) are made before the clock starts; the clock covers the query and
fetching its eight rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..profile import profile_output


@dataclass
class Floor:
    seconds: float
    rows: int
    files: int
    # the same pass over events.parquet alone, the input of sessionization
    events_seconds: float


def duckdb_settings() -> dict[str, str]:
    """The dbt profile's DuckDB resources (profiles.yml), rendered as dbt renders them."""
    options = profile_output("prod")["config_options"]
    return {"threads": str(options["threads"]), "memory_limit": str(options["memory_limit"])}


def connect() -> duckdb.DuckDBPyConnection:
    settings = duckdb_settings()
    con = duckdb.connect(config={"threads": int(settings["threads"]), "memory_limit": settings["memory_limit"]})
    con.execute("set TimeZone = 'UTC'")
    return con


def floor_sql(con: duckdb.DuckDBPyConnection, files: list[Path]) -> str:
    parts = []
    for path in files:
        columns = [row[0] for row in con.execute(f"describe select * from read_parquet('{path}')").fetchall()]
        hashed = ", ".join(f'"{column}"' for column in columns)
        parts.append(f"select '{path.stem}' as file, count(*) as row_count, bit_xor(hash({hashed})) as checksum "
                     f"from read_parquet('{path}')")
    return "\nunion all\n".join(parts)


def measure_floor(raw_dir: Path) -> Floor:
    files = sorted(raw_dir.glob("*.parquet"))
    if not files:
        raise FileNotFoundError(f"no Parquet files in {raw_dir}")
    with connect() as con:
        sql = floor_sql(con, files)
        events_sql = floor_sql(con, [raw_dir / "events.parquet"])
        began = time.perf_counter()
        rows = con.execute(sql).fetchall()
        seconds = time.perf_counter() - began
        began = time.perf_counter()
        con.execute(events_sql).fetchall()
        events_seconds = time.perf_counter() - began
    return Floor(seconds, sum(row[1] for row in rows), len(files), events_seconds)
