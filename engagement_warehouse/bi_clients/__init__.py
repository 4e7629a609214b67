"""The warehouse file as duckdb 1.x clients see it: read_marts.py, run by the Python of the
separate client environment (`make bi-clients`: a pinned duckdb 1.x, ibis, SQLAlchemy with
duckdb_engine), reads every mart through each client; `check` compares the rows each read with
the rows duckdb 2.x (the project's) counts in the same file."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..export import SCHEMA

READER = Path(__file__).with_name("read_marts.py")
PROJECT_DIR = Path(__file__).resolve().parents[2]
# Created by `make bi-clients` from requirements-bi-clients.lock.
DEFAULT_PYTHON = PROJECT_DIR / "target" / "bi_clients" / "bin" / "python"


class BiClientsError(RuntimeError):
    """The client environment or the warehouse cannot be used (named, with the reason)."""


@dataclass(frozen=True)
class ClientsReport:
    duckdb_version: str
    expected: dict[str, int]
    problems: list[str]


def mart_rows(database: str | Path, schema: str = SCHEMA) -> dict[str, int]:
    """Rows of every table of the marts schema, counted by the project's duckdb."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by table_name", [schema]).fetchall()]
        return {table: con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0] for table in tables}


def check(database: str | Path, python: str | Path | None = None, schema: str = SCHEMA) -> ClientsReport:
    """Every mart read by every client of the 1.x environment, compared with duckdb 2.x's rows.
    A client that fails, misses a mart or reads another number of rows is a problem."""
    database = Path(database).resolve()
    python = python or DEFAULT_PYTHON
    if not Path(python).exists():
        raise BiClientsError(f"{python}: no client environment (create it with `make bi-clients`)")
    expected = mart_rows(database, schema)
    if not expected:
        raise BiClientsError(f"{database} has no tables in schema {schema}: run the build first")
    completed = subprocess.run([str(python), str(READER), str(database), schema, *expected],
                               capture_output=True, text=True, timeout=600, check=False)
    if completed.returncode != 0:
        raise BiClientsError(f"{READER.name} failed under {python}: {completed.stderr.strip()[-2000:]}")
    result = json.loads(completed.stdout)
    problems = [f"{client}: {error}" for client, error in sorted(result["errors"].items())]
    for client, rows in sorted(result["rows"].items()):
        for mart, count in expected.items():
            if rows.get(mart) != count:
                problems.append(f"{client}: {schema}.{mart} read {rows.get(mart)} rows, duckdb 2.x counts {count}")
    return ClientsReport(result["duckdb_version"], expected, problems)
