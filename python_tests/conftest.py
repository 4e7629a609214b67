"""Shared fixtures: small generated data sets and a dbt runner that keeps each run's files in a
temporary folder (its own DuckDB file, target and logs), so tests never touch the user's
warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import generate

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
# Seeds and models, no tests: for fixtures that need a warehouse, not its checks.
MODELS_AND_SEEDS = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


@dataclass
class DbtRun:
    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql).fetchall()


def dbt_env(raw_dir: Path, work_dir: Path, raw_format: str = "parquet") -> dict[str, str]:
    """Environment of a dbt command (or of `mf`, which reads the same profile) on a test warehouse."""
    database = work_dir / "warehouse.duckdb"
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "RAW_DATA_DIR": str(raw_dir),
        "RAW_DATA_FORMAT": raw_format,
        "DUCKDB_PATH": str(database),
        "DUCKDB_TEMP_DIR": str(work_dir / "tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        # raw data written by a test is not the generator's, and the demo salt is refused on it
        "PII_HASH_SALT": os.environ.get("PII_HASH_SALT") or "salt-of-the-test-builds",
    }


def run_dbt(args: list[str], raw_dir: Path, work_dir: Path, raw_format: str = "parquet") -> DbtRun:
    work_dir.mkdir(parents=True, exist_ok=True)
    database = work_dir / "warehouse.duckdb"
    env = dbt_env(raw_dir, work_dir, raw_format)
    completed = subprocess.run(
        [DBT, *args, "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=900,
    )
    return DbtRun(completed.returncode, completed.stdout + completed.stderr, database)


@pytest.fixture(scope="session")
def small_parquet(tmp_path_factory) -> Path:
    """About 500 customers with the default share of bad rows."""
    out = tmp_path_factory.mktemp("raw_small")
    generate(out, scale=0.005, seed=7)
    return out


@pytest.fixture(scope="session")
def medium_clean(tmp_path_factory) -> Path:
    """About 8,000 customers, no bad rows: enough for the distribution checks."""
    out = tmp_path_factory.mktemp("raw_medium")
    generate(out, scale=0.08, seed=11, bad_row_share=0.0)
    return out


@dataclass
class BuiltWarehouse:
    raw_dir: Path
    work_dir: Path
    database: Path


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> BuiltWarehouse:
    """One warehouse built at scale 0.005 (seeds and models, default share of bad rows), shared by
    the tests that read marts without changing them. Copy the file before changing it."""
    work = tmp_path_factory.mktemp("built")
    generate(work / "raw", scale=0.005, seed=42)
    run = run_dbt(MODELS_AND_SEEDS, work / "raw", work / "build")
    assert run.returncode == 0, run.output[-3000:]
    return BuiltWarehouse(work / "raw", work / "build", run.database)


def read(path: Path, table: str, file_format: str = "parquet") -> str:
    """SQL table expression for a raw file."""
    if file_format == "csv":
        return f"read_csv('{path / (table + '.csv')}', header = true, all_varchar = true, quote = '\"', escape = '\"')"
    return f"read_parquet('{path / (table + '.parquet')}')"
