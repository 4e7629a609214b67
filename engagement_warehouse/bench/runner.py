"""One scale of the benchmark, step by step, in folders of its own under <out>/scale_<s>/:

    raw/           the generator's output (the last of its runs), removed at the end
    work/          each run's copy of raw/, its DuckDB file and spill folder, removed after the run
    dbt_target/    dbt's target folder (manifest, partial-parse state, run_results.json)
    logs/          every command's output, and each build's run_results.json
    analyst_input/ the orders export and the marts' answers the baselines are checked against

Per run: a full build on a fresh database, the floor on the same raw files, the analyst
baselines on the build's orders export, then `append-day` on the run's raw copy and an
incremental build of the same database (nothing reads the full build's database afterwards, so
the incremental run takes it over instead of a copy: 2-3 GB less disk at scale 1).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .analyst import (LIKE_FOR_LIKE_VARS, compile_models, compiled_from_manifest, export_inputs, run_baselines,
                      run_models_sql)
from .dbt_builds import Build, Workspace, build, parse
from .floor import Floor, measure_floor
from .generator_runs import CLI, GeneratorRuns, run_generator
from .measure import BenchError, Measured, progress, run_measured


@dataclass
class RunRecord:
    full: Build
    floor: Floor
    analyst: dict[str, object]
    # the nine models' compiled SQL run directly: variant -> seconds, cpu_seconds, per_model
    models_sql: dict[str, dict[str, object]]
    append_day: Measured
    incremental: Build
    # 1-minute load average when the run started: other work on the machine shows here
    load_average: float


@dataclass
class ScaleRecord:
    scale: float
    generator: GeneratorRuns
    parse: Measured
    runs: list[RunRecord]
    analyst_input_bytes: int
    orders_rows: int


def scale_dir_name(scale: float) -> str:
    return f"scale_{scale:g}"


def bench_scale(scale: float, runs: int, out: Path, seed: int, dbt_vars: str = "") -> ScaleRecord:
    folder = out / scale_dir_name(scale)
    logs, raw, work = folder / "logs", folder / "raw", folder / "work"
    workspace = Workspace(raw_dir=work / "raw", database=work / "warehouse.duckdb", temp_dir=work / "duckdb_tmp",
                          target_dir=folder / "dbt_target", log_dir=folder / "dbt_logs", dbt_vars=dbt_vars)
    progress(f"scale {scale:g}: generator, {runs} runs, into {raw}")
    generator = run_generator(raw, scale, seed, runs, logs)

    _fresh_work(work, raw)
    progress(f"scale {scale:g}: dbt parse from scratch (untimed builds start from its partial-parse state)")
    parsed = parse(workspace, logs / "dbt_parse.log")
    progress(f"  dbt parse: {parsed.seconds:.1f} s")

    records = []
    like_for_like = None
    for run in range(1, runs + 1):
        _fresh_work(work, raw)
        load_average = os.getloadavg()[0]
        progress(f"scale {scale:g} run {run}/{runs}: full build (seeds + models) on a fresh database "
                 f"(load average {load_average:.2f})")
        full = build(workspace, logs / f"full_build_run{run}.log", logs / f"run_results_full_run{run}.json",
                     f"full dbt build (scale {scale:g}, run {run})")
        progress(f"  full build: {full.wall_seconds:.1f} s wall, node times sum {full.nodes_sum_seconds:.1f} s, "
                 f"peak {full.measured.peak_rss_bytes / 2**30:.2f} GiB, partial parse: {full.partial_parse}")

        floor = measure_floor(workspace.raw_dir)
        progress(f"  floor: {floor.seconds:.2f} s ({floor.rows:,} rows in {floor.files} files); "
                 f"full build / floor = {full.wall_seconds / floor.seconds:.1f}x")

        inputs = export_inputs(workspace.database, folder / "analyst_input")
        analyst = run_baselines(inputs, warm_up=run == 1)
        seconds = analyst["seconds"]
        progress("  analyst baselines equal to the marts; " + ", ".join(f"{k} {v:.3f} s" for k, v in seconds.items()))
        if like_for_like is None:  # compiled once: the SQL does not depend on the data
            like_for_like = compile_models(workspace, LIKE_FOR_LIKE_VARS, folder / "dbt_target_like_for_like",
                                           logs / "dbt_compile_like_for_like.log")
        models_sql = run_models_sql(inputs, workspace.database, workspace.temp_dir, {
            "project_vars": compiled_from_manifest(workspace.target_dir / "manifest.json"),
            "like_for_like": like_for_like,
        })
        progress("  the nine models' SQL alone, answers equal to the marts; " + ", ".join(
            f"{variant} {figures['seconds']:.2f} s" for variant, figures in models_sql.items()))

        append_day = run_measured([CLI, "append-day", "--out", str(workspace.raw_dir)],
                                  logs / f"append_day_run{run}.log", label="append-day")
        if append_day.returncode != 0:
            raise BenchError(f"append-day failed (exit {append_day.returncode}), log {append_day.log}:\n{append_day.tail()}",
                             append_day, "append-day")
        progress(f"  append-day: {append_day.seconds:.1f} s; incremental build")
        incremental = build(workspace, logs / f"incremental_build_run{run}.log",
                            logs / f"run_results_incremental_run{run}.json",
                            f"incremental dbt build (scale {scale:g}, run {run})")
        progress(f"  incremental build: {incremental.wall_seconds:.1f} s wall "
                 f"({incremental.wall_seconds / full.wall_seconds:.0%} of the full build), "
                 f"peak {incremental.measured.peak_rss_bytes / 2**30:.2f} GiB, partial parse: {incremental.partial_parse}")
        records.append(RunRecord(full, floor, analyst, models_sql, append_day, incremental, load_average))
        shutil.rmtree(work, ignore_errors=True)

    shutil.rmtree(raw, ignore_errors=True)
    orders = folder / "analyst_input" / "fct_orders.parquet"
    return ScaleRecord(scale, generator, parsed, records, orders.stat().st_size, _parquet_rows(orders))


def _fresh_work(work: Path, raw: Path) -> None:
    """An empty work folder with a copy of the generator's files: no database, no spill files."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(raw, work / "raw")


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows
