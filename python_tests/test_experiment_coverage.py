"""`engagement-warehouse experiment-coverage`: the comparison of experiment_results' intervals
with the generator's true effects, and its summary, on a hand-made results table and manifest (no
generator, no dbt build: the command's five builds are run by hand, DECISIONS.md "Issue 21:
experiment coverage")."""

from __future__ import annotations

import json

import duckdb
import pytest

from engagement_warehouse.cli import build_parser
from engagement_warehouse.experiment_coverage import (RESULT_COLUMNS, CoverageError, compare_seed, parse_seeds,
                                                      read_marts, summarise, write_results)

# exp_null has no effect; exp_pos a positive one; exp_gone has a true effect but no row at all
MANIFEST = {
    "exp_null": {"retained_30d": 0.0, "orders_per_unit": 0.0, "expected_orders_per_unit": 0.0},
    "exp_pos": {"retained_30d": 0.08, "orders_per_unit": 0.10, "expected_orders_per_unit": 0.10},
    "exp_gone": {"retained_30d": 0.05},
}
SRM = {"exp_null": {"has_sample_ratio_mismatch": False, "srm_p_value": 0.4},
       "exp_pos": {"has_sample_ratio_mismatch": True, "srm_p_value": 1e-5}}


def row(experiment: str, metric: str, plain: tuple, cuped: tuple) -> dict:
    values = {"experiment_id": experiment, "variant": "treatment", "metric_name": metric, "eligible_units": 100,
              "control_mean_value": 0.3, "absolute_lift": plain[0], "absolute_lift_ci_lower": plain[1],
              "absolute_lift_ci_upper": plain[2], "cuped_absolute_lift": cuped[0],
              "cuped_absolute_lift_ci_lower": cuped[1], "cuped_absolute_lift_ci_upper": cuped[2],
              "cuped_variance_reduction": 0.2}
    assert set(values) == set(RESULT_COLUMNS)
    return values


def results(pos_retained_cuped: tuple = (0.09, 0.085, 0.10)) -> list[dict]:
    return [
        # covers 0 / misses 0 (above it)
        row("exp_null", "retained_30d", (0.005, -0.02, 0.03), (0.01, 0.001, 0.02)),
        # 0 on the plain interval's lower bound: covered (bounds included)
        row("exp_null", "orders_per_unit", (0.02, 0.0, 0.05), (0.0, -0.01, 0.01)),
        # not in the manifest: only in the null experiment's every-metric check
        row("exp_null", "net_revenue_usd_per_unit", (0.5, -1.0, 2.0), (1.2, 0.5, 2.0)),
        # no unit converts in either variant: a zero-width interval, left out of the counts
        row("exp_null", "first_order_conversion", (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
        # 0.08 in [0.05, 0.09]; not in [0.085, 0.10] (seed 1)
        row("exp_pos", "retained_30d", (0.07, 0.05, 0.09), pos_retained_cuped),
        # a null bound: not covered; CUPED [0.05, 0.15] covers 0.10
        row("exp_pos", "orders_per_unit", (0.1, None, 0.2), (0.1, 0.05, 0.15)),
        row("exp_pos", "net_revenue_usd_per_unit", (3.0, 1.0, 5.0), (3.0, 2.0, 4.0)),
    ]


def test_a_seed_counts_what_was_computed_by_hand():
    seed = compare_seed(1, results(), MANIFEST, SRM)
    covered = {(c.experiment_id, c.metric_name): (c.plain_covers, c.cuped_covers) for c in seed.known_effects}
    assert covered == {
        ("exp_gone", "retained_30d"): (False, False),  # no row: counted, not covered
        ("exp_null", "orders_per_unit"): (True, True),
        ("exp_null", "retained_30d"): (True, False),
        ("exp_pos", "orders_per_unit"): (False, True),
        ("exp_pos", "retained_30d"): (True, False),
    }
    assert seed.not_compared == ["exp_null.expected_orders_per_unit", "exp_pos.expected_orders_per_unit"]
    # exp_null is the only experiment whose every true effect is 0: its 4 metrics against 0
    assert [(c.metric_name, c.plain_covers, c.cuped_covers, c.plain.zero_width) for c in seed.null_metrics] == [
        ("first_order_conversion", True, True, True), ("net_revenue_usd_per_unit", True, False, False),
        ("orders_per_unit", True, True, False), ("retained_30d", True, False, False)]


def test_the_summary_over_two_seeds():
    # seed 2: exp_pos' CUPED retention interval [0.06, 0.10] covers 0.08
    seeds = [compare_seed(1, results(), MANIFEST, SRM),
             compare_seed(2, results((0.08, 0.06, 0.10)), MANIFEST,
                          {**SRM, "exp_null": {"has_sample_ratio_mismatch": True, "srm_p_value": 1e-4}})]
    summary = summarise(seeds)
    assert summary["known_effects_per_seed"] == {"1": {"plain": 3, "cuped": 2, "total": 5, "zero_width": 0},
                                                 "2": {"plain": 3, "cuped": 3, "total": 5, "zero_width": 0}}
    assert summary["known_effects"] == {"plain": 6, "cuped": 5, "total": 10, "zero_width": 0}
    assert summary["known_effects_per_experiment_and_metric"]["exp_pos.retained_30d"] == {
        "plain": 2, "cuped": 1, "total": 2, "zero_width": 0}
    assert summary["known_effects_per_experiment_and_metric"]["exp_gone.retained_30d"] == {
        "plain": 0, "cuped": 0, "total": 2, "zero_width": 0}
    # first_order_conversion's zero-width intervals are left out: 3 metrics per seed counted
    assert summary["null_metrics_cover_zero"] == {"plain": 6, "cuped": 2, "total": 6, "zero_width": 2}
    assert summary["srm_flagged_seeds"] == {"exp_null": [2], "exp_pos": [1, 2]}


def test_results_files_carry_the_counts(tmp_path):
    seeds = [compare_seed(1, results(), MANIFEST, SRM)]
    seeds[0].seconds = {"generate": 10.0, "dbt build": 50.0}
    written = write_results(tmp_path, {"command": "c", "bad_row_share": 0.0}, seeds)
    assert json.loads((tmp_path / "results.json").read_text()) == json.loads(json.dumps(written))
    text = (tmp_path / "results.md").read_text()
    assert "Known effects covered by the 95% intervals: plain 3/5, CUPED 2/5 over seeds 1." in text
    assert "| 1 | 3/5 | 2/5 | 3/3 / 1/3 | exp_pos | 60 s |" in text
    assert "covers 0: plain 3/3, CUPED 1/3 (1 zero-width interval(s) left out)." in text
    assert "| exp_null | first_order_conversion | +0.0000 [+0.0000, +0.0000] | zero width |" in text
    assert "| exp_pos | retained_30d | +0.0800 | +0.0700 [+0.0500, +0.0900] | yes | " \
           "+0.0900 [+0.0850, +0.1000] | **no** |" in text


def test_read_marts_takes_the_treatment_rows_and_one_srm_check_per_experiment(tmp_path):
    database = tmp_path / "w.duckdb"
    columns = ", ".join(f"{c} {'varchar' if c in ('experiment_id', 'variant', 'metric_name') else 'double'}"
                        for c in RESULT_COLUMNS)
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute(f"create table marts.experiment_results ({columns}, is_control boolean)")
        con.execute("insert into marts.experiment_results values "
                    "('exp_pos', 'control', 'retained_30d', 100, 0.3, null, null, null, null, null, null, null, true), "
                    "('exp_pos', 'treatment', 'retained_30d', 100, 0.3, 0.07, 0.05, 0.09, 0.09, 0.085, 0.1, 0.2, false)")
        con.execute("create table marts.experiment_health (experiment_id varchar, is_control boolean, "
                    "observed_share double, expected_share double, has_sample_ratio_mismatch boolean, "
                    "srm_p_value double)")
        con.execute("insert into marts.experiment_health values "
                    "('exp_pos', true, 0.6, 0.5, true, 1e-5), ('exp_pos', false, 0.4, 0.5, true, 1e-5)")
    found, srm = read_marts(database)
    assert [(r["variant"], r["absolute_lift_ci_upper"]) for r in found] == [("treatment", pytest.approx(0.09))]
    assert srm == {"exp_pos": {"has_sample_ratio_mismatch": True, "srm_p_value": pytest.approx(1e-5),
                               "control_observed_share": pytest.approx(0.6),
                               "control_expected_share": pytest.approx(0.5)}}


def test_seeds_and_the_command_line():
    assert parse_seeds("1-5") == [1, 2, 3, 4, 5]
    assert parse_seeds("1,3,6-8") == [1, 3, 6, 7, 8]
    for bad in ("a-3", "", "1-3,2"):
        with pytest.raises(CoverageError):
            parse_seeds(bad)
    args = build_parser().parse_args(["experiment-coverage", "--seeds", "6-10", "--out", "x"])
    assert (args.seeds, args.scale, args.bad_row_share, str(args.out)) == ("6-10", 0.02, 0.0, "x")
