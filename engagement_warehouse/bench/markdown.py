"""results.md: the machine, a table of figures per scale, and the goals with their status."""

from __future__ import annotations

from .figures import ANALYST_WAREHOUSE_MODELS

GiB = 2**30


def _s(stat: dict, digits: int = 2, scale: float = 1.0, unit: str = "") -> list[str]:
    return [f"{stat[k] * scale:,.{digits}f}{unit}" for k in ("median", "min", "max")]


def times(value: float) -> str:
    """A ratio, with the digits that show a small one."""
    return f"{value:.2f}x" if value >= 0.1 else f"{value:.4f}x"


def _x(stat: dict) -> list[str]:
    return [times(stat[k]) for k in ("median", "min", "max")]


def _pct(stat: dict) -> list[str]:
    return [f"{stat[k]:.1%}" for k in ("median", "min", "max")]


def _gib(stat: dict) -> list[str]:
    return _s(stat, 2, 1 / GiB, " GiB")


def _table(rows: list[tuple[str, list[str]]]) -> list[str]:
    lines = ["| figure | median | min | max |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | " + " | ".join(values) + " |" for name, values in rows]
    return lines


def _spill(largest: dict) -> str:
    return f"{largest['largest'] / GiB:.2f} GiB"


def failed_scale_section(f: dict) -> list[str]:
    lines = [f"## Scale {f['scale']:g}: attempted, did not complete", "", f"{f['failed_command']}: {f['failed']}"]
    if f["seconds"] is not None:
        lines += ["", f"That command ran {f['seconds']:.0f} s; peak RSS {f['peak_rss_bytes'] / GiB:.2f} GiB; "
                  f"peak DuckDB spill {f['peak_spill_bytes'] / GiB:.2f} GiB."]
    return lines + [""]


def scale_section(f: dict) -> list[str]:
    if "failed" in f:
        return failed_scale_section(f)
    gen, full, floor, inc, an = f["generator"], f["full_build"], f["floor"], f["incremental"], f["analyst"]
    one = lambda text: [text, "", ""]  # noqa: E731  (a figure measured once)
    rows: list[tuple[str, list[str]]] = [
        ("**Generator** wall time (s)", _s(gen["wall_seconds"])),
        ("generator rows/s", _s(gen["rows_per_second"], 0)),
        ("generator peak RSS", _gib(gen["peak_rss_bytes"])),
        ("generator output byte-identical across runs",
         one(f"yes ({gen['files']} files, {gen['rows']:,} rows)" if gen["byte_identical"] else
             f"**NO**: {', '.join(gen['differing_files'])} differ ({gen['files']} files, {gen['rows']:,} rows)")),
        ("dbt parse from scratch (s, once)", one(f"{f['dbt_parse_from_scratch']['seconds']:.1f}")),
        ("**Full build** wall time (s)", _s(full["wall_seconds"], 1)),
        (f"sum of node execution times (s, {full['nodes']} nodes)", _s(full["nodes_sum_seconds"], 1)),
        ("overhead ratio: wall / sum of node times", _x(full["overhead_ratio"])),
        ("time any node was running (s)", _s(full["busy_seconds"], 1)),
        ("wall / time any node was running", _x(full["wall_over_busy"])),
        ("wall outside any node: start-up, parse, hooks, exit (s)", _s(full["outside_nodes_seconds"], 1)),
        ("full build peak RSS (dbt process)", _gib(full["peak_rss_bytes"])),
        ("full build peak DuckDB spill (temp folder, largest of the runs)", one(_spill(full["peak_spill_bytes"]))),
        ("CLV and retention fits (s): " + ", ".join(full["clv_fit"]["models"]), _s(full["clv_fit"]["total_seconds"])),
        *[(f"&nbsp;&nbsp;{m} (s)", _s(v)) for m, v in full["clv_fit"]["models"].items()],
        ("**Floor**: one DuckDB pass over every raw file (s)", _s(floor["seconds"], 3)),
        ("full build / floor", _x(f["full_build_over_floor"])),
        ("sessionization: int_events_sessionized (s)", _s(f["sessionization"]["execution_seconds"])),
        ("sessionization / floor", _x(f["sessionization"]["over_floor"])),
        ("sessionization / floor of events.parquet alone", _x(f["sessionization"]["over_events_floor"])),
        ("**Incremental**: append-day (s, not part of the build)", _s(inc["append_day_wall_seconds"], 1)),
        ("incremental build wall time (s)", _s(inc["wall_seconds"], 1)),
        ("incremental build / full build", _pct(inc["share_of_full_build"])),
        ("incremental build peak RSS", _gib(inc["peak_rss_bytes"])),
        ("incremental build peak DuckDB spill (largest of the runs)", one(_spill(inc["peak_spill_bytes"]))),
        *[(f"{m}: incremental / full execution time ({v['incremental_seconds']['median']:.2f} s / "
           f"{v['full_seconds']['median']:.2f} s)", _pct(v["share_of_full"]))
          for m, v in inc["incremental_models"].items()],
        (f"**Analyst** (cohort matrix + RFM from {an['input']['orders']:,} orders): pandas (s)",
         _s(an["seconds"]["pandas"], 3)),
        ("polars (s)", _s(an["seconds"]["polars"], 3)),
        ("warehouse, same SQL in DuckDB on the same Parquet (s)", _s(an["seconds"]["duckdb_sql"], 3)),
        ("warehouse, the dbt models' execution time (s)", _s(an["warehouse_dbt_models"]["seconds"], 3)),
        ("the nine dbt models' SQL alone, the project's vars (s)", _s(an["models_sql"]["project_vars"]["seconds"], 3)),
        ("the nine dbt models' SQL alone, like for like: segment all, month grain (s)",
         _s(an["models_sql"]["like_for_like"]["seconds"], 3)),
        ("pandas / warehouse SQL", _x(an["ratios"]["pandas_over_duckdb_sql"])),
        ("polars / warehouse SQL", _x(an["ratios"]["polars_over_duckdb_sql"])),
        ("pandas / dbt models", _x(an["ratios"]["pandas_over_dbt_models"])),
        ("polars / dbt models", _x(an["ratios"]["polars_over_dbt_models"])),
        ("pandas / the models' SQL alone, project's vars", _x(an["ratios"]["pandas_over_models_sql"])),
        ("pandas / the models' SQL alone, like for like", _x(an["ratios"]["pandas_over_like_for_like"])),
        ("baselines equal to the marts",
         one(f"yes ({an['results']['cohort_matrix_rows']:,} cohort rows, {an['results']['rfm_rows']:,} persons)")),
    ]
    loads = ", ".join(f"{load:.2f}" for load in f["load_average_at_run_start"])
    lines = [f"## Scale {f['scale']:g} ({f['runs']} runs; load average at the start of each run: {loads})", "",
             *_table(rows), "",
             f"Top {len(full['top_models'])} models of the full build by median execution time (s):", "",
             "| model | median | min | max |", "|---|---:|---:|---:|"]
    lines += [f"| {m['model']} | " + " | ".join(_s(m["execution_seconds"])) + " |" for m in full["top_models"]]
    lines += ["", f"Incremental equality: {inc['equality_with_full_refresh']}.", ""]
    return lines


def goals_section(goals: list[dict]) -> list[str]:
    lines = ["## Goals", "", "| goal | scale | target | measured | status |", "|---|---:|---|---|---|"]
    for g in goals:
        measured = g["shown"] or g["note"]
        status = {"met": "met", "not met": "**not met**", "not measured": "not measured"}[g["status"]]
        lines.append(f"| {g['goal']} | {g['scale']:g} | {g['target']} | {measured} | {status} |")
    return lines + [""]


NOTES = [
    "Wall times are those of the process, start to exit. A dbt build's includes start-up, parsing (from the "
    "partial-parse state an untimed `dbt parse` leaves; that parse from scratch is shown once), the on-run-start "
    "hook, the nodes and writing the artifacts. Peak RSS is the kernel's `ru_maxrss` of that one child process; "
    "DuckDB and the dbt Python models (CLV fits) run inside dbt's process.",
    "dbt runs up to DBT_THREADS nodes at once, so the sum of node execution times can exceed the wall time and "
    "the overhead ratio (wall / sum) fall below 1. *Wall / time any node was running* (the union of the nodes' "
    "intervals in run_results.json) and the seconds outside any node show dbt's own cost.",
    "Floor: one DuckDB query reading every raw Parquet file once, `count(*)` and `bit_xor(hash(all columns))` per "
    "file, `union all`, with the profile's DuckDB threads and memory limit, measured in each run after its full "
    "build. Ratios to it are taken run by run.",
    "Incremental: `append-day` on the run's copy of the raw files (new day, late app events), then the same "
    "models-only `dbt build` on the full build's database.",
    "Analyst: pandas, polars and DuckDB SQL each read the same export of `marts.fct_orders` (Parquet, zstd, as "
    "`engagement-warehouse export` writes it; the four columns needed) and compute the monthly cohort matrix of "
    "segment all and the RFM summary at day unit; timed from reading the file to both results in memory, after "
    "one untimed warm-up. Each result equals the marts (counts exactly, rates to 1e-12, money to the cent) or the "
    "bench stops. polars and DuckDB get the same threads; pandas computes on one. *dbt models* is the execution "
    "time of " + ", ".join(ANALYST_WAREHOUSE_MODELS) + ": the warehouse's real path from the enriched orders, which also computes every segment type, weekly "
    "cohorts and more measures, so it is not like for like; the SQL row is. *The nine dbt models' SQL alone*: their "
    "compiled SQL run in order as `create temp table ... as` on the built warehouse (read-only; no dbt, no write "
    "to the file), as the build compiled it and compiled with vars `retention_segment_types: []` and "
    "`retention_cohort_grains: [month]` (like for like: the analyst's segment and grain; the models still "
    "compute engagement, rolling and revenue retention and the cohort fingerprints); each variant's two answers "
    "equal the marts or the bench stops.",
]


def render(results: dict) -> str:
    m, s = results["machine"], results["settings"]
    lines = [
        "# Benchmark", "",
        f"{m['date_utc']}: {m['cpu_count']} CPUs ({m['cpu_model']}), "
        f"{m['memory_total_bytes'] / GiB:.1f} GiB memory, Python {m['python']}, "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f"; load average at start {m['load_average_at_start'][0]:.2f}.", "",
        f"Scales {', '.join(f'{x:g}' for x in s['scales'])}, {s['runs']} runs each, seed {s['seed']}; "
        f"dbt threads {s['dbt_threads']}, DuckDB threads {s['duckdb_threads']}, "
        f"DuckDB memory limit {s['duckdb_memory_limit']}; "
        + (f"dbt vars `{s['dbt_vars']}`" if s.get("dbt_vars") else "the project's dbt vars")
        + ". Every figure is the median (min, max) of the runs; "
        "ratios are taken run by run, then summarised. How each is measured: "
        "`engagement_warehouse/bench/__init__.py`.", "",
        *[f"- {note}" for note in NOTES], "",
    ]
    for figures in results["scales"].values():
        lines += scale_section(figures)
    lines += goals_section(results["goals"])
    return "\n".join(lines)
