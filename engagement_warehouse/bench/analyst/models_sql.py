"""The warehouse's own models for the analyst's two answers, their compiled SQL run directly.

The models that turn the enriched orders (int_orders_enriched, whose export is fct_orders) into
the two answers: cohort membership and segments, activity by period, the cohort measures
(int_cohort_retention_measured) and their mart cohort_retention; purchase days, the RFM summary
(int_persons_rfm) and its mart customer_rfm. With the project's vars they compute more than the
analyst's two answers (every segment type, weekly cohorts, engagement, rolling and revenue
retention) and leave out what they read besides orders (events, person resolution).

Each model's compiled SQL (a full refresh) is run in dbt's order as `create temp table ... as
<its SQL>` on the built warehouse opened read-only, every reference to one of the nine read from
the temp table made before it; DuckDB with the dbt profile's threads and memory limit; no dbt and
no write to the file. Per model: the wall seconds and the CPU seconds of this process (DuckDB's
threads run inside it). The benchmark runs two variants: the SQL the full build compiled (the
project's vars) and the same models compiled with LIKE_FOR_LIKE_VARS (segment 'all' and the
month grain only). Like for like, the models still compute what no var turns off (engagement,
rolling and revenue retention, the cohort fingerprints, the first order's segment attributes):
it is what the warehouse's path costs for the analyst's segment and grain.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import yaml

from ..dbt_builds import Workspace
from ..floor import duckdb_settings
from ..measure import BenchError
from .inputs import answer_sql

# in the order dbt builds them (each reads only models before it in this list)
MODELS = ("int_data_end", "int_persons_first_orders", "int_persons_segments",
          "int_persons_activity_by_period", "int_cohort_retention_measured", "cohort_retention",
          "int_persons_purchase_periods", "int_persons_rfm", "customer_rfm")
LIKE_FOR_LIKE_VARS = {"retention_segment_types": [], "retention_cohort_grains": ["month"]}

Compiled = dict[str, tuple[str, str]]


def compile_models(workspace: Workspace, dbt_vars: dict[str, object], target_dir: Path, log: Path) -> Compiled:
    """Model -> (relation name, compiled SQL) of MODELS as a full refresh with dbt_vars over the
    workspace's vars; compiled into target_dir, so the workspace's partial-parse state is kept."""
    merged = {**((yaml.safe_load(workspace.dbt_vars) if workspace.dbt_vars else None) or {}), **dbt_vars}
    workspace.dbt(["compile", "--full-refresh", "--select", *MODELS], log, "dbt compile of the analyst models",
                  dbt_vars=json.dumps(merged), target_dir=target_dir)
    return compiled_from_manifest(target_dir / "manifest.json")


def compiled_from_manifest(manifest: Path) -> Compiled:
    """Model -> (relation name, compiled SQL) of MODELS as a dbt command compiled them (a full
    build on a fresh database compiles the incremental models' full-refresh SQL)."""
    nodes = json.loads(manifest.read_text())["nodes"]
    by_name = {node["name"]: node for node in nodes.values() if node["resource_type"] == "model"}
    missing = [model for model in MODELS if not by_name.get(model, {}).get("compiled_code")]
    if missing:
        raise BenchError(f"{manifest} holds no compiled SQL of {', '.join(missing)}")
    return {model: (by_name[model]["relation_name"], by_name[model]["compiled_code"]) for model in MODELS}


@dataclass
class ModelsRun:
    # model -> seconds (wall), cpu_seconds (this process), rows
    per_model: dict[str, dict[str, float]]
    # the analyst's two answers read from the run's marts (ANSWER_SQL), after the clock
    answers: dict[str, pa.Table]

    def total(self, figure: str) -> float:
        return sum(values[figure] for values in self.per_model.values())


def run_compiled(database: Path, compiled: Compiled, temp_dir: Path, profile_dir: Path | None = None) -> ModelsRun:
    """Runs each model's SQL in order as `create temp table` on the warehouse opened read-only
    (DuckDB spills to temp_dir): per model its wall and process CPU seconds and its rows, then
    the analyst's answers from the temp marts. With profile_dir, DuckDB's JSON profile of each
    model's query is written there as <model>.json."""
    settings = duckdb_settings()
    temp_dir.mkdir(parents=True, exist_ok=True)
    config = {"threads": int(settings["threads"]), "memory_limit": settings["memory_limit"], "access_mode": "READ_ONLY",
              "temp_directory": str(temp_dir), "preserve_insertion_order": False}
    per_model: dict[str, dict[str, float]] = {}
    with duckdb.connect(str(database), config=config) as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set enable_progress_bar = false")
        for model, (_, sql) in compiled.items():
            for earlier in per_model:
                sql = sql.replace(compiled[earlier][0], f'temp.main."{earlier}"')
            if profile_dir is not None:
                profile_dir.mkdir(parents=True, exist_ok=True)
                con.execute("pragma enable_profiling = 'json'")
                con.execute(f"pragma profiling_output = '{profile_dir / (model + '.json')}'")
            wall, cpu = time.perf_counter(), time.process_time()
            con.execute(f'create temp table "{model}" as\n{sql}')
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            if profile_dir is not None:
                con.execute("pragma disable_profiling")
            rows = con.execute(f'select count(*) from temp.main."{model}"').fetchall()[0][0]
            per_model[model] = {"seconds": wall, "cpu_seconds": cpu, "rows": rows}
        answers = {name: con.sql(sql).to_arrow_table()
                   for name, sql in answer_sql('temp.main."cohort_retention"', 'temp.main."customer_rfm"').items()}
    return ModelsRun(per_model, answers)


def main(argv: list[str] | None = None) -> None:
    """Profiles the nine models on a built warehouse (scale and data of the caller's choosing):
    `python -m engagement_warehouse.bench.analyst.models_sql --raw-dir R --database D --vars V
    --out O`; prints one JSON line per model and writes DuckDB's profiles to O/profiles."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--raw-dir", type=Path, required=True)
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--vars", default="{}", help="dbt vars (YAML) over the project's, e.g. LIKE_FOR_LIKE_VARS")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    workspace = Workspace(raw_dir=args.raw_dir, database=args.database, temp_dir=args.out / "duckdb_tmp",
                          target_dir=args.out / "dbt_target", log_dir=args.out / "dbt_logs")
    compiled = compile_models(workspace, yaml.safe_load(args.vars) or {}, args.out / "dbt_target",
                              args.out / "compile.log")
    run = run_compiled(args.database, compiled, workspace.temp_dir, args.out / "profiles")
    for model, values in run.per_model.items():
        print(json.dumps({"model": model, **values}))
    print(json.dumps({"model": "total", "seconds": run.total("seconds"), "cpu_seconds": run.total("cpu_seconds")}))


if __name__ == "__main__":
    main()
