"""Parquet exports of the marts, for BI tools and notebooks that must not open the DuckDB file
dbt writes to (one process may hold it for writing, and then nobody else may open it).

Each mart is written to a temporary file in the export folder and then renamed over
`<mart>.parquet`. A rename within one folder is atomic, so a reader opens either the previous
complete file or the new complete file, never a half-written one; a reader that already has the
old file open keeps reading it. The database is opened read-only, after the build.

Timestamps: the marts store UTC instants as TIMESTAMP (no zone; the project's `_ts` columns are
UTC by definition). The export writes them as TIMESTAMP WITH TIME ZONE, which Parquet stores as
instants adjusted to UTC, so pyarrow, pandas, Spark and BI tools read `timestamp[us, tz=UTC]`
instead of a naive time they might take for local time. The connection's TimeZone is UTC, so the
cast keeps each instant as stored (DECISIONS.md: UTC timestamps in the exports).

An export that was killed leaves its temporary files (`.<mart>.parquet.<pid>.tmp`,
`._exports.json.<pid>.tmp`): the next export removes those whose process is no longer running,
and only files of exactly these names (a running export's are kept, anything else is not ours).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .progress import Progress

SCHEMA = "marts"
# The temporary names export_marts writes: `.<table>.parquet.<pid>.tmp`, `._exports.json.<pid>.tmp`.
TEMPORARY = re.compile(r"^\.(?:[A-Za-z0-9_]+\.parquet|_exports\.json)\.(?P<pid>[0-9]+)\.tmp$")


@dataclass
class ExportedMart:
    mart: str
    rows: int
    path: Path


def export_marts(database: str | Path, out_dir: str | Path, schema: str = SCHEMA,
                 progress: Progress | None = None) -> list[ExportedMart]:
    """Writes every table of the schema to out_dir/<table>.parquet, atomically, plus a manifest
    (_exports.json) of tables, row counts and export time, also replaced atomically. progress,
    when given, gets a step per table as its export begins."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for path, pid in remove_stale_temporaries(out):
        print(f"removed {path}: a temporary file of an export (PID {pid}) that did not finish", file=sys.stderr)
    exported = []
    with duckdb.connect(str(database), read_only=True) as con:
        # a naive TIMESTAMP is cast to TIMESTAMPTZ in the session's zone: UTC keeps the instant
        con.execute("set TimeZone = 'UTC'")
        tables = [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by table_name", [schema]).fetchall()]
        if not tables:
            raise FileNotFoundError(f"{database} has no tables in schema {schema}: run the build first")
        if progress:
            progress.start(len(tables))
        for table in tables:
            if progress:
                progress.step(table)
            final = out / f"{table}.parquet"
            temporary = out / f".{table}.parquet.{os.getpid()}.tmp"
            try:
                con.execute(f"copy ({select_with_utc_timestamps(con, schema, table)}) to '{temporary}' "
                            "(format parquet, compression zstd)")
                os.replace(temporary, final)
            finally:
                temporary.unlink(missing_ok=True)
            rows = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]
            exported.append(ExportedMart(table, rows, final))
    manifest = {"exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "database": str(database),
                "marts": {mart.mart: {"rows": mart.rows, "file": mart.path.name} for mart in exported}}
    temporary = out / f"._exports.json.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    os.replace(temporary, out / "_exports.json")
    if progress:
        progress.finish()
    return exported


def select_with_utc_timestamps(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    """The select that exports a table: every column as stored, except TIMESTAMP columns (UTC
    instants without a zone), cast to TIMESTAMP WITH TIME ZONE under their own names."""
    columns = con.execute("select column_name, data_type from duckdb_columns() "
                          "where schema_name = ? and table_name = ? order by column_index", [schema, table]).fetchall()
    quoted = ['"' + name.replace('"', '""') + '"' for name, _ in columns]
    selected = [f"cast({name} as timestamptz) as {name}" if data_type == "TIMESTAMP" else name
                for name, (_, data_type) in zip(quoted, columns)]
    return f"select {', '.join(selected)} from {schema}.{table}"


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user
        return True
    return True


def remove_stale_temporaries(out: Path) -> list[tuple[Path, int]]:
    """Removes the temporary files that an export whose process is gone left in out (the export's
    own temporary names only); returns each removed file with the PID in its name."""
    removed = []
    for path in sorted(out.iterdir()):
        found = TEMPORARY.match(path.name)
        # this process's own names are stale too: an export writes them only while it runs
        pid = int(found["pid"]) if found else 0
        if found and path.is_file() and (pid == os.getpid() or not _is_running(pid)):
            path.unlink(missing_ok=True)
            removed.append((path, pid))
    return removed
