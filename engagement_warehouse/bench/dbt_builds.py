"""dbt commands of the benchmark and what their run_results.json say.

Every dbt command of one scale uses the same paths (raw folder, DuckDB file, spill folder,
target folder), so after one untimed `dbt parse` every measured build uses partial parsing, as
a developer's repeated `dbt build` or a scheduler that keeps target/ does. dbt re-parses from
scratch when the profile or an env var the project reads changes; the log says so, and each
build records whether it parsed partially.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .measure import BenchError, Measured, run_measured

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))
# Seeds and models, no data tests or unit tests: the build's work, not its checks.
MODELS_ONLY = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
FULL_PARSE_MARKER = "Unable to do partial parsing"


@dataclass
class Workspace:
    """The paths of every dbt command of one scale."""

    raw_dir: Path
    database: Path
    temp_dir: Path
    target_dir: Path
    log_dir: Path
    # dbt vars (YAML) of every dbt command, e.g. "{fit_refit_every_days: 7}"; empty: the project's
    dbt_vars: str = ""

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "RAW_DATA_DIR": str(self.raw_dir),
            "RAW_DATA_FORMAT": "parquet",
            "DUCKDB_PATH": str(self.database),
            "DUCKDB_TEMP_DIR": str(self.temp_dir),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
            "DBT_USE_COLORS": "False",
        }

    def dbt(self, args: list[str], log: Path, label: str, dbt_vars: str | None = None,
            target_dir: Path | None = None) -> Measured:
        """A dbt command with the workspace's paths; dbt_vars and target_dir replace the
        workspace's for this command."""
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        dbt_vars = self.dbt_vars if dbt_vars is None else dbt_vars
        vars_args = ["--vars", dbt_vars] if dbt_vars else []
        target = self.target_dir if target_dir is None else target_dir
        measured = run_measured([DBT, *args, *vars_args, "--target-path", str(target), "--log-path", str(self.log_dir)],
                                log, env=self.env(), cwd=PROJECT_DIR, label=label, watch_dir=self.temp_dir)
        if measured.returncode != 0:
            raise BenchError(f"{label} failed (exit {measured.returncode}), log {log}:\n{measured.tail()}",
                             measured, label)
        return measured


@dataclass
class Build:
    """One `dbt build`: the process's wall time and peak memory, and the nodes' execution times."""

    measured: Measured
    node_seconds: dict[str, float]
    node_types: dict[str, str]
    # time at least one node was running (the union of the nodes' compile-to-execute intervals)
    busy_seconds: float
    partial_parse: bool
    # the models materialized incremental (on this adapter), from the build's manifest
    incremental_models: tuple[str, ...] = ()

    @property
    def wall_seconds(self) -> float:
        return self.measured.seconds

    @property
    def nodes_sum_seconds(self) -> float:
        return sum(self.node_seconds.values())

    @property
    def models_sum_seconds(self) -> float:
        return sum(s for name, s in self.node_seconds.items() if self.node_types[name] == "model")


def parse(workspace: Workspace, log: Path) -> Measured:
    """`dbt parse` from an empty target folder: a full parse, which leaves the partial-parse
    state the measured builds start from."""
    shutil.rmtree(workspace.target_dir, ignore_errors=True)
    return workspace.dbt(["parse"], log, "dbt parse")


def build(workspace: Workspace, log: Path, keep_run_results: Path, label: str) -> Build:
    measured = workspace.dbt(MODELS_ONLY, log, label)
    run_results = workspace.target_dir / "run_results.json"
    keep_run_results.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(run_results, keep_run_results)
    seconds, types, busy = read_run_results(run_results)
    return Build(measured, seconds, types, busy, FULL_PARSE_MARKER not in log.read_text(errors="replace"),
                 incremental_models(workspace.target_dir / "manifest.json"))


def incremental_models(manifest: Path) -> tuple[str, ...]:
    """The enabled models whose resolved materialization is incremental, by name."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    return tuple(sorted(node["name"] for node in nodes
                        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"))


def read_run_results(path: Path) -> tuple[dict[str, float], dict[str, str], float]:
    """Execution time and resource type of each node, and the union of the nodes' running intervals."""
    results = json.loads(path.read_text())["results"]
    failed = [r["unique_id"] for r in results if r["status"] not in ("success", "pass", "no-op")]
    if failed:
        raise BenchError(f"{path}: nodes did not succeed: {', '.join(failed)}")
    seconds: dict[str, float] = {}
    types: dict[str, str] = {}
    intervals: list[tuple[datetime, datetime]] = []
    for result in results:
        resource_type, *_, name = result["unique_id"].split(".")
        seconds[name] = float(result["execution_time"])
        types[name] = resource_type
        starts = [t["started_at"] for t in result["timing"] if t.get("started_at")]
        ends = [t["completed_at"] for t in result["timing"] if t.get("completed_at")]
        if starts and ends:
            intervals.append((datetime.fromisoformat(min(starts)), datetime.fromisoformat(max(ends))))
    return seconds, types, _union_seconds(intervals)


def _union_seconds(intervals: list[tuple[datetime, datetime]]) -> float:
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return total
