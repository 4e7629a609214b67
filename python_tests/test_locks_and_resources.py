"""What a user meets when the warehouse file is busy or memory runs short, and what a killed
export leaves behind.

The test process holds the DuckDB file open read-write, as a notebook or a second build would;
then `engagement-warehouse dbt -- build` (what the Makefile runs), `quality`, `export` and `report`
each exit non-zero with one line naming the file, the holder's program and PID and what to do,
and no traceback. DuckDB running out of memory in a build names DUCKDB_MEMORY_LIMIT, not DuckDB's
`SET memory_limit`. An export removes the temporary files of an export that was killed, and
nothing else.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.export import export_marts
from engagement_warehouse.generator import generate

from .conftest import PROJECT_DIR, dbt_env

CLI = str(Path(sys.executable).with_name("engagement-warehouse"))


def lock_line(command: str, database: Path) -> str:
    # DuckDB names the holder by its executable (the interpreter behind the venv's symlink)
    program = os.path.realpath(f"/proc/{os.getpid()}/exe")
    return (f"engagement-warehouse {command}: {database} is locked by another process: {program} (PID {os.getpid()}). "
            "Only one process at a time may open a DuckDB file while it is being written: wait for that build to "
            f"finish or close that connection (a notebook: con.close() or restart its kernel; `kill {os.getpid()}` "
            "if it hangs), then run this again. Notebooks and BI tools can read the Parquet exports instead "
            "(make export).")


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, env={**env, "PYTHONPATH": str(PROJECT_DIR)},
                          cwd=PROJECT_DIR, timeout=900)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw_locks")
    generate(out, scale=0.005, seed=5)
    return out


def test_a_build_on_a_held_file_is_one_line_naming_file_holder_and_what_to_do(raw, tmp_path):
    env = dbt_env(raw, tmp_path)
    database = Path(env["DUCKDB_PATH"])
    with duckdb.connect(str(database)):
        run = cli(["dbt", "--", "build", "--target-path", str(tmp_path / "target"),
                   "--log-path", str(tmp_path / "logs")], env)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.strip() == lock_line("dbt", database)
    assert "Traceback" not in run.stdout + run.stderr
    assert "Could not set lock" not in run.stdout and "Encountered an error" not in run.stdout
    # dbt's own lines before the error still pass through
    assert "Running with dbt=" in run.stdout


@pytest.mark.parametrize("command", ["quality", "export", "report"])
def test_the_tools_on_a_held_file_say_the_same_in_one_line(command, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    extra = {"quality": ["--docs-dir", str(tmp_path / "docs")], "export": ["--out", str(tmp_path / "exports")],
             "report": ["--out", str(tmp_path / "report.html")]}[command]
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        run = cli([command, "--database", str(database), *extra], dict(os.environ))
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.splitlines()[-1] == lock_line(command, database)
    assert "Traceback" not in run.stdout + run.stderr


def test_out_of_memory_names_duckdb_memory_limit_not_set_memory_limit(raw, tmp_path):
    env = {**dbt_env(raw, tmp_path), "DUCKDB_MEMORY_LIMIT": "1MB", "DUCKDB_THREADS": "1"}
    run = cli(["dbt", "--", "build", "--select", "+base_shop__events", "--exclude-resource-type", "test",
               "--exclude-resource-type", "unit_test", "--target-path", str(tmp_path / "target"),
               "--log-path", str(tmp_path / "logs")], env)
    # 1 when a model ran out, 2 when the on-run-start hook did (either happens at 1MB)
    assert run.returncode in (1, 2), run.stdout + run.stderr
    assert "SET memory_limit" not in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("engagement-warehouse dbt: DuckDB ran out of memory ("), last
    # dbt's report of what failed is kept
    assert "Out of Memory Error: " in run.stdout
    # the default the message names is the profile's (one default, in profiles.yml)
    profile = (PROJECT_DIR / "profiles.yml").read_text()
    defaults = set(re.findall(r"env_var\('DUCKDB_MEMORY_LIMIT', '([^']+)'\)", profile))
    assert len(defaults) == 1, defaults
    assert last.endswith("): raise DUCKDB_MEMORY_LIMIT (the dbt profile's memory_limit, profiles.yml; "
                         f"default {defaults.pop()}), or lower DUCKDB_THREADS or DBT_THREADS; what does not fit in memory spills "
                         "to DUCKDB_TEMP_DIR, which needs free disk space."), last


def test_an_export_removes_what_a_killed_export_left_and_nothing_else(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_orders as select 1 as order_id")
    exports = tmp_path / "exports"
    exports.mkdir()
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(finished.stdout)  # a process that has ended: its PID is free
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        left = [f".fct_orders.parquet.{dead}.tmp", f"._exports.json.{dead}.tmp", f".dim_customers.parquet.{dead}.tmp"]
        kept = [f".fct_orders.parquet.{running.pid}.tmp",  # an export still running
                "notes.tmp", ".fct_orders.parquet.tmp", f"fct_orders.parquet.{dead}.tmp", f".fct_orders.csv.{dead}.tmp",
                f".fct_orders.parquet.{dead}.tmp.bak"]
        for name in left + kept:
            (exports / name).write_bytes(b"partial")
        export_marts(database, exports)
        assert sorted(path.name for path in exports.iterdir()) == sorted(
            [*kept, "fct_orders.parquet", "_exports.json"])
    finally:
        running.kill()
        running.wait()
