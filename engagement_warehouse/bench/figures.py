"""The figures of one scale, from its runs: each a median / min / max over the runs (with the
values in run order); ratios are taken pair by pair within a run, then summarised."""

from __future__ import annotations

from .analyst.models_sql import MODELS
from .dbt_builds import MODELS_ONLY
from .floor import duckdb_settings
from .measure import BenchError, ratios, summary
from .runner import ScaleRecord

TOP_MODELS = 10
CLV_MODELS = ("int_clv_model_params_fitted", "int_persons_clv_scored", "int_clv_backtest_fitted",
              "int_cohort_retention_projected")
SESSIONIZATION_MODEL = "int_events_sessionized"
# The models that turn the enriched orders into the two answers (analyst/models_sql.py says what
# they compute beyond them): their execution time in the full build is the warehouse's real cost,
# not a like-for-like one.
ANALYST_WAREHOUSE_MODELS = MODELS
INCREMENTAL_EQUALITY = ("an incremental run gives the same rows as a full refresh in every table: checked by "
                        "python_tests/test_incremental.py (scale 0.01: one appended day with late events, and "
                        "later exports that correct a customer, bring events 5-8 days late, re-deliver "
                        "60-day-old events changed or change an old order), "
                        "not re-checked by the benchmark")


def _largest(values: list[int]) -> dict[str, object]:
    """A figure that may be zero (bytes spilled): the largest of the runs, and the runs."""
    return {"largest": max(values), "runs": list(values)}


def scale_figures(record: ScaleRecord) -> dict[str, object]:
    runs = record.runs
    full = [r.full for r in runs]
    incremental = [r.incremental for r in runs]
    full_wall = [b.wall_seconds for b in full]
    floor = [r.floor.seconds for r in runs]
    events_floor = [r.floor.events_seconds for r in runs]
    sessionization = [b.node_seconds[SESSIONIZATION_MODEL] for b in full]
    names = list(full[0].node_seconds)
    node_medians = {name: summary([b.node_seconds.get(name, 0.0) for b in full]) for name in names}
    top = sorted((n for n in names if full[0].node_types[n] == "model"),
                 key=lambda n: -node_medians[n]["median"])[:TOP_MODELS]
    clv = [sum(b.node_seconds[m] for m in CLV_MODELS) for b in full]
    return {
        "scale": record.scale,
        "runs": len(runs),
        "load_average_at_run_start": [r.load_average for r in runs],
        "generator": record.generator.figures(),
        "dbt_parse_from_scratch": {"seconds": record.parse.seconds, "peak_rss_bytes": record.parse.peak_rss_bytes},
        "full_build": {
            "command": "dbt " + " ".join(MODELS_ONLY) + " (fresh database)",
            "wall_seconds": summary(full_wall),
            "peak_rss_bytes": summary([b.measured.peak_rss_bytes for b in full]),
            "peak_spill_bytes": _largest([b.measured.peak_dir_bytes for b in full]),
            "nodes": len(names),
            "nodes_sum_seconds": summary([b.nodes_sum_seconds for b in full]),
            "models_sum_seconds": summary([b.models_sum_seconds for b in full]),
            "overhead_ratio": ratios(full_wall, [b.nodes_sum_seconds for b in full]),
            "busy_seconds": summary([b.busy_seconds for b in full]),
            "wall_over_busy": ratios(full_wall, [b.busy_seconds for b in full]),
            "outside_nodes_seconds": summary([b.wall_seconds - b.busy_seconds for b in full]),
            "partial_parse": [b.partial_parse for b in full],
            "top_models": [{"model": n, "execution_seconds": node_medians[n]} for n in top],
            "clv_fit": {"models": {m: node_medians[m] for m in CLV_MODELS}, "total_seconds": summary(clv)},
            "node_seconds": node_medians,
        },
        "floor": {
            "seconds": summary(floor),
            "events_only_seconds": summary(events_floor),
            "rows": runs[0].floor.rows,
            "files": runs[0].floor.files,
            "duckdb": duckdb_settings(),
        },
        "full_build_over_floor": ratios(full_wall, floor),
        "sessionization": {
            "model": SESSIONIZATION_MODEL,
            "execution_seconds": summary(sessionization),
            "over_floor": ratios(sessionization, floor),
            "over_events_floor": ratios(sessionization, events_floor),
        },
        "incremental": _incremental(record, full_wall),
        "analyst": _analyst(record),
    }


def _incremental(record: ScaleRecord, full_wall: list[float]) -> dict[str, object]:
    runs = record.runs
    builds = [r.incremental for r in runs]
    wall = [b.wall_seconds for b in builds]
    return {
        "append_day_wall_seconds": summary([r.append_day.seconds for r in runs]),
        "wall_seconds": summary(wall),
        "share_of_full_build": ratios(wall, full_wall),
        "peak_rss_bytes": summary([b.measured.peak_rss_bytes for b in builds]),
        "peak_spill_bytes": _largest([b.measured.peak_dir_bytes for b in builds]),
        "nodes_sum_seconds": summary([b.nodes_sum_seconds for b in builds]),
        "partial_parse": [b.partial_parse for b in builds],
        "incremental_models": {
            model: {
                "incremental_seconds": summary([r.incremental.node_seconds[model] for r in runs]),
                "full_seconds": summary([r.full.node_seconds[model] for r in runs]),
                "share_of_full": ratios([r.incremental.node_seconds[model] for r in runs],
                                        [r.full.node_seconds[model] for r in runs]),
            }
            # the models the build's manifest says are incremental on this adapter
            for model in runs[0].full.incremental_models
        },
        "equality_with_full_refresh": INCREMENTAL_EQUALITY,
    }


def failed_scale_figures(scale: float, error: BenchError) -> dict[str, object]:
    """An attempted scale that did not complete: what failed, and that command's wall time, peak
    memory and spill until it failed."""
    measured = error.measured
    return {
        "scale": scale,
        "failed": str(error).splitlines()[0],
        "failed_command": error.label,
        "seconds": measured.seconds if measured else None,
        "peak_rss_bytes": measured.peak_rss_bytes if measured else None,
        "peak_spill_bytes": measured.peak_dir_bytes if measured else None,
    }


def _analyst(record: ScaleRecord) -> dict[str, object]:
    runs = record.runs
    seconds = {engine: [r.analyst["seconds"][engine] for r in runs] for engine in runs[0].analyst["seconds"]}
    dbt_models = [sum(r.full.node_seconds[m] for m in ANALYST_WAREHOUSE_MODELS) for r in runs]
    return {
        "input": {
            "file": "analyst_input/fct_orders.parquet: marts.fct_orders as `engagement-warehouse export` writes it",
            "orders": record.orders_rows,
            "bytes": record.analyst_input_bytes,
            "columns_read": ["person_key", "order_date", "is_confirmed_order", "net_revenue_usd"],
        },
        "results": {"cohort_matrix_rows": runs[0].analyst["cohort_matrix_rows"], "rfm_rows": runs[0].analyst["rfm_rows"]},
        "equal_to_marts": True,  # a difference stops the benchmark before results are written
        "threads": {"duckdb": int(duckdb_settings()["threads"]), "polars": runs[0].analyst["polars_threads"],
                    "pandas": 1},
        "seconds": {engine: summary(values) for engine, values in seconds.items()},
        "warehouse_dbt_models": {
            "models": list(ANALYST_WAREHOUSE_MODELS),
            "seconds": summary(dbt_models),
            "per_model": {m: summary([r.full.node_seconds[m] for r in runs]) for m in ANALYST_WAREHOUSE_MODELS},
        },
        "models_sql": {variant: _models_sql(runs, variant) for variant in runs[0].models_sql},
        "ratios": {
            "pandas_over_duckdb_sql": ratios(seconds["pandas"], seconds["duckdb_sql"]),
            "polars_over_duckdb_sql": ratios(seconds["polars"], seconds["duckdb_sql"]),
            "pandas_over_dbt_models": ratios(seconds["pandas"], dbt_models),
            "polars_over_dbt_models": ratios(seconds["polars"], dbt_models),
            "pandas_over_models_sql": ratios(seconds["pandas"], _variant_seconds(runs, "project_vars")),
            "pandas_over_like_for_like": ratios(seconds["pandas"], _variant_seconds(runs, "like_for_like")),
        },
    }


def _variant_seconds(runs: list, variant: str) -> list[float]:
    return [r.models_sql[variant]["seconds"] for r in runs]


def _models_sql(runs: list, variant: str) -> dict[str, object]:
    """One variant of the nine models' SQL run alone: totals and per model, seconds, CPU seconds
    and rows."""
    per_model = runs[0].models_sql[variant]["per_model"]
    return {
        "seconds": summary(_variant_seconds(runs, variant)),
        "cpu_seconds": summary([r.models_sql[variant]["cpu_seconds"] for r in runs]),
        "per_model": {m: {"seconds": summary([r.models_sql[variant]["per_model"][m]["seconds"] for r in runs]),
                          "rows": per_model[m]["rows"]} for m in per_model},
    }
