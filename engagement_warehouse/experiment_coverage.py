"""`engagement-warehouse experiment-coverage`: do the 95% intervals of `experiment_results` cover
the generator's known true effects, over several seeds? (issue 21)

For each seed: generate the data (`generate`, scale and bad-row share as given), build only what
the experiment marts need (`dbt build --select +experiment_results +experiment_health
--indirect-selection cautious`: the tests of the selected models, not those reading others) into
a warehouse, target and log folder of that seed, through the benchmark's dbt runner
(bench.dbt_builds.Workspace), read the marts, and compare:

- every (experiment, metric) the generator's manifest (`experiments` of _generation.json) has a
  true effect for, and that `experiment_results` has as a metric, on each treatment row: does the
  plain interval (absolute_lift_ci_lower..upper) and the CUPED one (cuped_absolute_lift_ci_*)
  cover the true effect? A missing interval (no row, or a null bound) counts as not covered;
- the null experiments (every true effect of the manifest 0): does every metric's interval of
  `experiment_results` cover 0, the metrics the manifest does not list included (the treatment
  does nothing, so their true effect is 0 too); a zero-width interval ([0, 0]: no unit of either
  variant converts) is left out of these counts and counted apart;
- the sample-ratio-mismatch flag per experiment (`experiment_health`).

The comparison and the summary (`compare_seed`, `summarise`) take plain rows and the manifest's
dictionary, so they are tested without a build (python_tests/test_experiment_coverage.py).
Output: <out>/results.json and <out>/results.md, rewritten after each seed; each seed's scratch
data (raw files, warehouse) under <out>/seed_<n>/ is removed after it is read unless kept.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

# the treatment rows' figures read from marts.experiment_results
RESULT_COLUMNS = ("experiment_id", "variant", "metric_name", "eligible_units", "control_mean_value", "absolute_lift",
                  "absolute_lift_ci_lower", "absolute_lift_ci_upper", "cuped_absolute_lift",
                  "cuped_absolute_lift_ci_lower", "cuped_absolute_lift_ci_upper", "cuped_variance_reduction")
# Tests only when every model they read is selected (cautious): by default (eager) dbt also runs
# the tests of a selected model that read an unselected one (a relationships test to dim_customers,
# a row-count comparison with fct_orders), which fail on a warehouse that does not have it.
SELECTION = ["build", "--select", "+experiment_results", "+experiment_health", "--indirect-selection", "cautious"]


class CoverageError(Exception):
    """The measurement cannot go on: bad arguments, or a seed's generation or build failed."""


@dataclass(frozen=True)
class Interval:
    lift: float | None
    lower: float | None
    upper: float | None

    def covers(self, value: float) -> bool:
        return self.lower is not None and self.upper is not None and self.lower <= value <= self.upper

    @property
    def zero_width(self) -> bool:
        """An interval of one point (a metric without variance, e.g. no unit converts in either
        variant): it covers 0 without telling anything."""
        return self.lower is not None and self.lower == self.upper


@dataclass
class Comparison:
    """One treatment row's intervals against a true effect."""

    experiment_id: str
    variant: str
    metric_name: str
    true_effect: float
    plain: Interval
    cuped: Interval

    @property
    def plain_covers(self) -> bool:
        return self.plain.covers(self.true_effect)

    @property
    def cuped_covers(self) -> bool:
        return self.cuped.covers(self.true_effect)


@dataclass
class SeedCoverage:
    seed: int
    # the manifest's true effects against the intervals
    known_effects: list[Comparison]
    # every metric of the null experiments against 0
    null_metrics: list[Comparison]
    # per experiment: has_sample_ratio_mismatch and srm_p_value of experiment_health
    srm: dict[str, dict[str, object]]
    # manifest entries that are not a metric of experiment_results (e.g. expected_orders_per_unit)
    not_compared: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


NO_INTERVAL = Interval(None, None, None)


def _intervals(row: dict | None) -> tuple[Interval, Interval]:
    if row is None:
        return NO_INTERVAL, NO_INTERVAL
    return (Interval(row["absolute_lift"], row["absolute_lift_ci_lower"], row["absolute_lift_ci_upper"]),
            Interval(row["cuped_absolute_lift"], row["cuped_absolute_lift_ci_lower"], row["cuped_absolute_lift_ci_upper"]))


def null_experiments(true_effects: dict[str, dict[str, float]]) -> list[str]:
    """The experiments whose every true effect in the manifest is 0."""
    return sorted(e for e, effects in true_effects.items() if effects and all(v == 0 for v in effects.values()))


def compare_seed(seed: int, results: list[dict], true_effects: dict[str, dict[str, float]],
                 srm: dict[str, dict[str, object]]) -> SeedCoverage:
    """`results`: the treatment rows (not is_control) of experiment_results as dictionaries with
    RESULT_COLUMNS; `true_effects`: the manifest's `experiments`. Every treatment variant of an
    experiment is held against the experiment's true effect."""
    metrics = {row["metric_name"] for row in results}
    variants: dict[str, set[str]] = {}
    by_key = {}
    for row in results:
        variants.setdefault(row["experiment_id"], set()).add(row["variant"])
        by_key[(row["experiment_id"], row["variant"], row["metric_name"])] = row
    known, not_compared = [], []
    for experiment, effects in sorted(true_effects.items()):
        for metric, effect in sorted(effects.items()):
            if metric not in metrics:
                not_compared.append(f"{experiment}.{metric}")
                continue
            # an experiment without any result row still counts, as one uncovered treatment
            for variant in sorted(variants.get(experiment, {"treatment"})):
                known.append(Comparison(experiment, variant, metric, effect,
                                        *_intervals(by_key.get((experiment, variant, metric)))))
    nulls = set(null_experiments(true_effects))
    null_metrics = [Comparison(row["experiment_id"], row["variant"], row["metric_name"], 0.0, *_intervals(row))
                    for row in sorted(results, key=lambda r: (r["experiment_id"], r["variant"], r["metric_name"]))
                    if row["experiment_id"] in nulls]
    return SeedCoverage(seed, known, null_metrics, srm, not_compared)


def _count(comparisons: list[Comparison]) -> dict[str, int]:
    """Covered and total, plain and CUPED; comparisons whose plain interval has zero width are left
    out of both and counted apart (`zero_width`)."""
    counted = [c for c in comparisons if not c.plain.zero_width]
    return {"plain": sum(c.plain_covers for c in counted), "cuped": sum(c.cuped_covers for c in counted),
            "total": len(counted), "zero_width": len(comparisons) - len(counted)}


def summarise(seeds: list[SeedCoverage]) -> dict[str, object]:
    """Covered / total, plain and CUPED: per seed, in all, per (experiment, metric) over the seeds;
    the null experiments' metrics covering 0; the seeds in which each experiment was flagged."""
    per_pair: dict[str, list[Comparison]] = {}
    for seed in seeds:
        for c in seed.known_effects:
            per_pair.setdefault(f"{c.experiment_id}.{c.metric_name}", []).append(c)
    flagged: dict[str, list[int]] = {}
    for seed in seeds:
        for experiment, health in sorted(seed.srm.items()):
            flagged.setdefault(experiment, [])
            if health["has_sample_ratio_mismatch"]:
                flagged[experiment].append(seed.seed)
    return {
        "seeds": [seed.seed for seed in seeds],
        "known_effects": _count([c for seed in seeds for c in seed.known_effects]),
        "known_effects_per_seed": {str(seed.seed): _count(seed.known_effects) for seed in seeds},
        "known_effects_per_experiment_and_metric": {pair: _count(cs) for pair, cs in sorted(per_pair.items())},
        "null_metrics_cover_zero": _count([c for seed in seeds for c in seed.null_metrics]),
        "null_metrics_per_seed": {str(seed.seed): _count(seed.null_metrics) for seed in seeds},
        "srm_flagged_seeds": flagged,
    }


def parse_seeds(text: str) -> list[int]:
    """'1-5' -> [1, 2, 3, 4, 5]; '1,3,6-8' -> [1, 3, 6, 7, 8]."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            seeds += range(int(first), int(last or first) + 1)
    except ValueError:
        raise CoverageError(f"--seeds {text!r}: give seeds as 1-5 or 1,3,6-8") from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise CoverageError(f"--seeds {text!r}: no seed, or a seed twice")
    return seeds


def _f(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:+.{digits}f}"


def _interval(interval: Interval) -> str:
    return f"{_f(interval.lift)} [{_f(interval.lower)}, {_f(interval.upper)}]"


def _zero_width(count: dict[str, int]) -> str:
    return f" ({count['zero_width']} zero-width interval(s) left out)" if count["zero_width"] else ""


def _yes(covered: bool, interval: Interval | None = None) -> str:
    if interval is not None and interval.zero_width:
        return "zero width"
    return "yes" if covered else "**no**"


def seed_section(seed: SeedCoverage) -> list[str]:
    count = _count(seed.known_effects)
    nulls = _count(seed.null_metrics)
    seconds = ", ".join(f"{step} {s:.0f} s" for step, s in seed.seconds.items())
    lines = [f"## Seed {seed.seed}", "",
             f"Known effects covered: plain {count['plain']}/{count['total']}, CUPED {count['cuped']}/{count['total']}. "
             f"Null experiments' metrics covering 0: plain {nulls['plain']}/{nulls['total']}, "
             f"CUPED {nulls['cuped']}/{nulls['total']}{_zero_width(nulls)}."
             + (f" Wall time: {seconds}." if seconds else ""), "",
             "| experiment | metric | true effect | lift [95% interval] | covered | CUPED lift [95% interval] | covered |",
             "|---|---|---:|---|---|---|---|"]
    lines += [f"| {c.experiment_id} | {c.metric_name} | {_f(c.true_effect)} | {_interval(c.plain)} | "
              f"{_yes(c.plain_covers)} | {_interval(c.cuped)} | {_yes(c.cuped_covers)} |" for c in seed.known_effects]
    if seed.null_metrics:
        lines += ["", "Null experiments, every metric against 0:", "",
                  "| experiment | metric | lift [95% interval] | covers 0 | CUPED lift [95% interval] | covers 0 |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {c.experiment_id} | {c.metric_name} | {_interval(c.plain)} | {_yes(c.plain_covers, c.plain)} | "
                  f"{_interval(c.cuped)} | {_yes(c.cuped_covers, c.plain)} |" for c in seed.null_metrics]
    lines += ["", "| experiment | sample-ratio mismatch | SRM p-value | control share (planned) |", "|---|---|---:|---|"]
    for experiment, health in sorted(seed.srm.items()):
        share = health.get("control_observed_share"), health.get("control_expected_share")
        lines.append(f"| {experiment} | {'flagged' if health['has_sample_ratio_mismatch'] else 'no'} | "
                     f"{health['srm_p_value']:.3g} | "
                     + (f"{share[0]:.3f} ({share[1]:.3f}) |" if None not in share else "n/a |"))
    if seed.not_compared:
        lines += ["", f"Not a metric of experiment_results, not compared: {', '.join(seed.not_compared)}."]
    return lines + [""]


def render(settings: dict, seeds: list[SeedCoverage], summary: dict) -> str:
    total, nulls = summary["known_effects"], summary["null_metrics_cover_zero"]
    lines = ["# Experiment coverage (issue 21)", "",
             f"Command: `{settings['command']}`; bad-row share {settings['bad_row_share']}, "
             f"dbt {' '.join(SELECTION)}.", "",
             f"Known effects covered by the 95% intervals: plain {total['plain']}/{total['total']}, "
             f"CUPED {total['cuped']}/{total['total']} over seeds {', '.join(map(str, summary['seeds']))}. "
             f"Null experiments' metrics whose interval covers 0: plain {nulls['plain']}/{nulls['total']}, "
             f"CUPED {nulls['cuped']}/{nulls['total']}{_zero_width(nulls)}.", "",
             "| seed | plain | CUPED | null metrics cover 0 (plain / CUPED) | SRM flagged | wall time |",
             "|---:|---|---|---|---|---:|"]
    for seed in seeds:
        c, n = _count(seed.known_effects), _count(seed.null_metrics)
        flagged = ", ".join(e for e, h in sorted(seed.srm.items()) if h["has_sample_ratio_mismatch"]) or "none"
        lines.append(f"| {seed.seed} | {c['plain']}/{c['total']} | {c['cuped']}/{c['total']} | "
                     f"{n['plain']}/{n['total']} / {n['cuped']}/{n['total']} | {flagged} | "
                     f"{sum(seed.seconds.values()):.0f} s |")
    lines += ["", "| experiment.metric | plain | CUPED |", "|---|---|---|"]
    lines += [f"| {pair} | {c['plain']}/{c['total']} | {c['cuped']}/{c['total']} |"
              for pair, c in summary["known_effects_per_experiment_and_metric"].items()]
    lines += ["", "| experiment | flagged in seeds |", "|---|---|"]
    lines += [f"| {e} | {', '.join(map(str, s)) or 'none'} |" for e, s in summary["srm_flagged_seeds"].items()]
    lines.append("")
    for seed in seeds:
        lines += seed_section(seed)
    return "\n".join(lines)


def _comparison_json(c: Comparison) -> dict[str, object]:
    return {**asdict(c), "plain_covers": c.plain_covers, "cuped_covers": c.cuped_covers}


def write_results(out: Path, settings: dict, seeds: list[SeedCoverage]) -> dict:
    summary = summarise(seeds)
    results = {"settings": settings, "summary": summary,
               "seeds": [{"seed": s.seed, "seconds": s.seconds, "srm": s.srm, "not_compared": s.not_compared,
                          "known_effects": [_comparison_json(c) for c in s.known_effects],
                          "null_metrics": [_comparison_json(c) for c in s.null_metrics]} for s in seeds]}
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "results.md").write_text(render(settings, seeds, summary))
    return results


def read_marts(database: Path) -> tuple[list[dict], dict[str, dict[str, object]]]:
    """The treatment rows of experiment_results, and per experiment its SRM check."""
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(f"select {', '.join(RESULT_COLUMNS)} from marts.experiment_results where not is_control")
        results = [dict(zip(RESULT_COLUMNS, row)) for row in cursor.fetchall()]
        health = con.execute(
            "select experiment_id, bool_or(has_sample_ratio_mismatch), max(srm_p_value), "
            "max(case when is_control then observed_share end), max(case when is_control then expected_share end) "
            "from marts.experiment_health group by experiment_id").fetchall()
    srm = {e: {"has_sample_ratio_mismatch": flag, "srm_p_value": p, "control_observed_share": observed,
               "control_expected_share": expected} for e, flag, p, observed, expected in health}
    return results, srm


def measure_seed(seed: int, scale: float, bad_row_share: float, work: Path) -> SeedCoverage:
    from .bench.dbt_builds import Workspace
    from .bench.measure import BenchError
    from .generator import generate

    shutil.rmtree(work, ignore_errors=True)
    began = time.perf_counter()
    report = generate(work / "raw", scale=scale, seed=seed, bad_row_share=bad_row_share)
    generated = time.perf_counter() - began
    workspace = Workspace(work / "raw", work / "warehouse.duckdb", work / "tmp", work / "target", work / "logs")
    try:
        built = workspace.dbt(SELECTION, work / "logs" / "dbt_build.log", f"seed {seed}: dbt build")
    except BenchError as error:
        raise CoverageError(str(error)) from None
    manifest = json.loads((work / "raw" / "_generation.json").read_text())["experiments"]
    if manifest != report.experiments:
        raise CoverageError(f"seed {seed}: the manifest's true effects differ from the generator's report")
    results, srm = read_marts(workspace.database)
    coverage = compare_seed(seed, results, manifest, srm)
    coverage.seconds = {"generate": round(generated, 1), "dbt build": round(built.seconds, 1)}
    return coverage


def run_coverage(seeds: list[int], scale: float, out: Path, bad_row_share: float = 0.0, keep_data: bool = False,
                 command: str = "") -> dict:
    out = out.resolve()  # dbt runs from the project folder: every path it gets is absolute
    out.mkdir(parents=True, exist_ok=True)
    settings = {"command": command, "seeds": seeds, "scale": scale, "bad_row_share": bad_row_share,
                "dbt": SELECTION}
    done: list[SeedCoverage] = []
    results: dict = {}
    for seed in seeds:
        print(f"[experiment-coverage {time.strftime('%H:%M:%S')}] seed {seed}: generate (scale {scale}) "
              "and dbt build", flush=True)
        work = out / f"seed_{seed}"
        done.append(measure_seed(seed, scale, bad_row_share, work))
        if not keep_data:  # the build's log stays
            for scratch in ("raw", "warehouse.duckdb", "tmp", "target"):
                path = work / scratch
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
        results = write_results(out, settings, done)
        count = _count(done[-1].known_effects)
        print(f"[experiment-coverage {time.strftime('%H:%M:%S')}] seed {seed}: plain {count['plain']}/{count['total']}, "
              f"CUPED {count['cuped']}/{count['total']} in {sum(done[-1].seconds.values()):.0f} s", flush=True)
    return results
