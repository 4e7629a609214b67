"""The issue's goals (on a 2-core, 24 GiB machine), each checked against the measured figures.

A goal stated for one scale is judged at that scale only; when that scale was not run it is
"not measured" and the value at the largest scale that was run is shown for reference. A goal
without a scale is judged at every scale run. Figures are medians of the runs, except peak
memory and spill, the largest of the runs. A scale that was only attempted (`bench --attempt`)
and did not complete judges its goals "not met" and shows where it stopped, with that command's
time, peak memory and spill.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .markdown import times

GiB = 2**30


@dataclass(frozen=True)
class Goal:
    text: str
    target: str
    # None: every scale run
    scale: float | None
    # the measured value and how to show it, from one scale's figures
    measure: Callable[[dict], tuple[float, str]]
    met: Callable[[float], bool]


def _median(*path: str) -> Callable[[dict], float]:
    def get(figures: dict) -> float:
        value = figures
        for key in path:
            value = value[key]
        return value["median"]
    return get


def _times(getter: Callable[[dict], float]) -> Callable[[dict], tuple[float, str]]:
    return lambda figures: (getter(figures), times(getter(figures)))


def _share(getter: Callable[[dict], float]) -> Callable[[dict], tuple[float, str]]:
    return lambda figures: (getter(figures), f"{getter(figures):.1%}")


def _peak_memory(figures: dict) -> tuple[float, str]:
    peak = max(max(figures["full_build"]["peak_rss_bytes"]["runs"]),
               max(figures["incremental"]["peak_rss_bytes"]["runs"]))
    spill = max(figures["full_build"]["peak_spill_bytes"]["largest"], figures["incremental"]["peak_spill_bytes"]["largest"])
    return peak, f"{peak / GiB:.2f} GiB (largest dbt build of all runs; DuckDB spill {spill / GiB:.2f} GiB)"


def _completed(figures: dict) -> tuple[float, str]:
    full = figures["full_build"]
    return 1.0, (f"completed: full build {full['wall_seconds']['median']:.0f} s, peak "
                 f"{max(full['peak_rss_bytes']['runs']) / GiB:.2f} GiB, DuckDB spill "
                 f"{full['peak_spill_bytes']['largest'] / GiB:.2f} GiB; one-day incremental "
                 f"{figures['incremental']['wall_seconds']['median']:.0f} s")


def _incremental_models(figures: dict) -> tuple[float, str]:
    shares = {m: v["share_of_full"]["median"] for m, v in figures["incremental"]["incremental_models"].items()}
    return max(shares.values()), ", ".join(f"{m} {s:.1%}" for m, s in shares.items())


def _dbt_models_over_pandas(figures: dict) -> tuple[float, str]:
    analyst = figures["analyst"]
    ratio = 1 / analyst["ratios"]["pandas_over_dbt_models"]["median"]
    return ratio, (f"{times(ratio)} ({analyst['warehouse_dbt_models']['seconds']['median']:.1f} s of dbt models "
                   f"against {analyst['seconds']['pandas']['median']:.2f} s of pandas)")


def _like_for_like_over_pandas(figures: dict) -> tuple[float, str]:
    analyst = figures["analyst"]
    ratio = 1 / analyst["ratios"]["pandas_over_like_for_like"]["median"]
    like, project = (analyst["models_sql"][variant]["seconds"]["median"] for variant in ("like_for_like", "project_vars"))
    return ratio, (f"{times(ratio)} ({like:.2f} s of the models' SQL for segment all and the month grain against "
                   f"{analyst['seconds']['pandas']['median']:.2f} s of pandas; with the project's vars {project:.2f} s)")


def _generator_seconds(figures: dict) -> tuple[float, str]:
    seconds = figures["generator"]["wall_seconds"]["median"]
    return seconds, f"{seconds:.1f} s"


def _byte_identical(figures: dict) -> tuple[float, str]:
    identical = figures["generator"]["byte_identical"]
    runs = len(figures["generator"]["sha256_by_run"])
    files = figures["generator"]["files"]
    if identical:
        return 1.0, f"identical sha256 of all {files} files over {runs} runs"
    return 0.0, f"{', '.join(figures['generator']['differing_files'])} differ over {runs} runs ({files} files)"


def _overhead(figures: dict) -> tuple[float, str]:
    build = figures["full_build"]
    ratio = build["overhead_ratio"]["median"]
    return ratio, (f"{times(ratio)} (wall / time any node was running: {times(build['wall_over_busy']['median'])}; "
                   f"{build['outside_nodes_seconds']['median']:.0f} s outside nodes)")


# Issue 22's goals first (judged at scale 1 unless they name another), then the earlier issues'
# goals that still hold.
GOALS = (
    Goal("One-day incremental build at most 15% of the full build", "<= 15%", 1.0,
         _share(_median("incremental", "share_of_full_build")), lambda v: v <= 0.15),
    Goal("Each incremental model at most 10% of its own full time", "<= 10%", 1.0,
         _incremental_models, lambda v: v <= 0.10),
    Goal("Full build at most 40x the floor", "<= 40x", 1.0, _times(_median("full_build_over_floor")),
         lambda v: v <= 40),
    Goal("Sessionization (int_events_sessionized) at most 8x the floor", "<= 8x", 1.0,
         _times(_median("sessionization", "over_floor")), lambda v: v <= 8),
    Goal("Peak memory at most 4 GiB at scale 1", "<= 4 GiB", 1.0, _peak_memory, lambda v: v <= 4 * GiB),
    Goal("Scale 3 completes within 10 GiB", "<= 10 GiB", 3.0, _peak_memory, lambda v: v <= 10 * GiB),
    Goal("Scale 10 attempted: time, memory and spill reported", "completes", 10.0, _completed, lambda v: v == 1.0),
    Goal("Cohort matrix + RFM: the warehouse's dbt models within 10x of the analyst's pandas on the same orders",
         "dbt models / pandas <= 10x", 1.0, _dbt_models_over_pandas, lambda v: v <= 10),
    Goal("Cohort matrix + RFM like for like: the same models' SQL for segment all and the month grain (no dbt) "
         "within 10x of pandas", "models' SQL / pandas <= 10x", 1.0, _like_for_like_over_pandas, lambda v: v <= 10),
    Goal("dbt overhead at most 1.3x summed model time (full build wall / sum of node execution times)", "<= 1.3x",
         1.0, _overhead, lambda v: v <= 1.3),
    Goal("Cohort matrix + RFM in the warehouse at least 2x faster than pandas: warehouse = the same SQL in DuckDB "
         "on the same Parquet", "pandas / warehouse >= 2", None,
         _times(_median("analyst", "ratios", "pandas_over_duckdb_sql")), lambda v: v >= 2),
    Goal("Cohort matrix + RFM in the warehouse not slower than polars: warehouse = the same SQL in DuckDB "
         "on the same Parquet", "polars / warehouse >= 1", None,
         _times(_median("analyst", "ratios", "polars_over_duckdb_sql")), lambda v: v >= 1),
    Goal("Generator at scale 1 at most 25 s (process wall time)", "<= 25 s", 1.0, _generator_seconds,
         lambda v: v <= 25),
    Goal("Generator output byte-identical across runs", "identical", None, _byte_identical, lambda v: v == 1.0),
)


def evaluate(scales: dict[str, dict]) -> list[dict[str, object]]:
    """One row per goal and scale judged: goal, scale, target, measured, status, note."""
    rows: list[dict[str, object]] = []
    by_scale = {float(key): figures for key, figures in scales.items()}
    completed = [scale for scale, figures in by_scale.items() if "failed" not in figures]
    largest = max(completed) if completed else None
    for goal in GOALS:
        judged = [goal.scale] if goal.scale is not None else sorted(by_scale)
        for scale in judged:
            row: dict[str, object] = {"goal": goal.text, "scale": scale, "target": goal.target}
            if scale in by_scale and "failed" in by_scale[scale]:
                row.update(measured=None, shown=_failure(by_scale[scale]), status="not met", note="")
            elif scale in by_scale:
                value, shown = goal.measure(by_scale[scale])
                row.update(measured=value, shown=shown, status="met" if goal.met(value) else "not met", note="")
            else:
                row.update(measured=None, shown="", status="not measured", note=f"scale {scale:g} not run")
                if largest is not None:
                    row["note"] += f"; at scale {largest:g}: {goal.measure(by_scale[largest])[1]}"
            rows.append(row)
    return rows


def _failure(figures: dict) -> str:
    """What an attempted scale that did not complete reports instead of a figure."""
    shown = f"did not complete: {figures['failed']}"
    if figures["seconds"] is not None:
        shown += (f" (after {figures['seconds']:.0f} s, peak {figures['peak_rss_bytes'] / GiB:.2f} GiB, "
                  f"DuckDB spill {figures['peak_spill_bytes'] / GiB:.2f} GiB)")
    return shown
