"""The benchmark (`engagement-warehouse bench`, `make bench`): for each scale, on data of its own
under <out>/scale_<s>/, in this process and its children:

1. Generator: `engagement-warehouse generate` run `runs` times into an emptied folder; wall time
   of the process (start to exit), rows from the manifest it writes, rows / wall time, peak RSS;
   the sha256 of every file after each run, and whether all runs are identical.
2. Full build: `dbt build --exclude-resource-type test --exclude-resource-type unit_test` on a
   fresh database each run. Wall time of the dbt process; each node's `execution_time` from
   run_results.json (top models, CLV fits, sum); overhead ratio = wall / sum of node times, and,
   since dbt runs DBT_THREADS nodes at once, also wall / time any node was running (the union of
   the nodes' intervals) and the seconds outside any node. Peak RSS of the dbt process (DuckDB
   and the Python models run inside it) from `os.wait4` of that child. All builds of a scale share
   paths and dbt's target folder; an untimed `dbt parse` first (its time reported) leaves the
   partial-parse state every measured build starts from.
3. Floor: one DuckDB query reading every raw Parquet file once (`count(*)` and a hash of all
   columns per file, `union all`), the profile's DuckDB threads and memory limit, timed in each
   run right after the full build; full build / floor run by run, then the median. Sessionization
   (int_events_sessionized's execution time) is put over the same floor.
   Every dbt command gets `--vars` when the benchmark is given vars (`--vars`, make's BENCH_VARS).
4. Incremental: `append-day` on the run's copy of the raw files, then the same `dbt build` on the
   full build's database: wall time over that run's full build, and the three incremental models'
   execution times over their times in the full build.
5. Analyst: the cohort retention matrix (segment all, monthly) and the RFM summary (day unit) in
   pandas, in polars and in DuckDB SQL, all from the full build's fct_orders exported to Parquet,
   timed from reading the file to the two results in memory (one untimed warm-up pass in run 1);
   each result checked against cohort_retention and customer_rfm (a difference stops the bench);
   ratios pandas or polars over the SQL's time and over the dbt models' execution time, run by run.
   The nine dbt models' compiled SQL is also run alone on the built warehouse (analyst/models_sql:
   `create temp table ... as`, the profile's DuckDB threads and memory): as the full build compiled
   it (the project's vars), and like for like (compiled with only segment all and the month grain);
   each variant's answers are checked against the marts too, and the like-for-like seconds are put
   over pandas' run by run.

Results: <out>/results.json (machine, settings, every figure per scale with median / min / max
and the runs, the goals) and <out>/results.md, rewritten after each scale.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .figures import failed_scale_figures, scale_figures
from .floor import duckdb_settings
from .machine import machine_info
from .measure import BenchError, progress
from .results import write_results
from .runner import bench_scale, scale_dir_name

__all__ = ["BenchError", "run_bench"]


def run_bench(scales: list[float], runs: int, out: Path, seed: int = 42, attempt: bool = False,
              dbt_vars: str = "") -> dict:
    """With `attempt`, a scale that fails (out of memory, out of disk, a failed build) is recorded
    with where it stopped and that command's time, peak memory and spill, and the next scale runs;
    without it the error stops the benchmark. `dbt_vars` (YAML) go to every dbt command of the
    benchmark, full and incremental builds alike, and are recorded in the settings."""
    if runs < 1:
        raise BenchError("runs must be at least 1")
    out = out.resolve()  # dbt runs from the project folder: every path it gets is absolute
    out.mkdir(parents=True, exist_ok=True)
    machine = machine_info()
    settings = {"scales": scales, "runs": runs, "seed": seed, "dbt_threads": int(os.environ.get("DBT_THREADS", "4")),
                "duckdb_threads": int(duckdb_settings()["threads"]),
                "duckdb_memory_limit": duckdb_settings()["memory_limit"], "dbt_vars": dbt_vars, "out": str(out)}
    figures: dict[str, dict] = {}
    results: dict = {}
    for scale in scales:
        try:
            figures[f"{scale:g}"] = scale_figures(bench_scale(scale, runs, out, seed, dbt_vars))
        except BenchError as error:
            if not attempt:
                raise
            progress(f"scale {scale:g} did not complete: {str(error).splitlines()[0]}")
            figures[f"{scale:g}"] = failed_scale_figures(scale, error)
            shutil.rmtree(out / scale_dir_name(scale) / "work", ignore_errors=True)
            shutil.rmtree(out / scale_dir_name(scale) / "raw", ignore_errors=True)
        results = write_results(out, machine, settings, figures)
        progress(f"scale {scale:g} done: {out / 'results.json'}, {out / 'results.md'}")
    return results
