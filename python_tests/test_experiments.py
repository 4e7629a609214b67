"""Experiments (issue 21): experiment_results and experiment_health against values computed here,
with numpy and scipy, from a small hand-made shop (assignments, orders, events); the quarantine
rules of experiment_assignments; an absent assignments file; and, on generated data, the intervals
against the generator's known true effects."""

from __future__ import annotations

import csv
import json
import math
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from engagement_warehouse.generator import experiments as design
from engagement_warehouse.generator import generate

from .conftest import MODELS_AND_SEEDS, PROJECT_DIR, run_dbt

DATA_END = datetime(2026, 6, 30, 12)
T = datetime(2026, 1, 10, 12)  # most assignments
LATE = datetime(2026, 5, 15, 12)  # windows of 60 and 90 days not complete by the data end
DAY = timedelta(days=1)

# exp_loyalty_banner's units: (customer, variant, assigned, [(order time, net revenue usd, status)])
LOYALTY_UNITS = [
    ("c01", "control", T, [(T - 40 * DAY, 50, "delivered"), (T + 10 * DAY, 30, "delivered")]),
    ("c02", "control", T, [(T - 10 * DAY, 20, "paid"), (T + 45 * DAY, 40, "shipped")]),
    ("c03", "control", T, []),
    ("c04", "control", T, [(T - 30 * DAY, 25, "delivered")]),  # exactly 30 days before: not in the pre window
    ("c05", "control", LATE, [(LATE + 20 * DAY, 60, "delivered")]),
    ("c06", "control", T, [(T + 5 * DAY, 15, "cancelled")]),  # not confirmed: no order
    # an order at the assignment instant: a prior order (repeat-conversion eligible, in the pre
    # window), not an outcome
    ("c14", "control", T, [(T, 45, "delivered"), (T + 40 * DAY, 30, "delivered")]),
    ("c07", "treatment", T, [(T - 5 * DAY, 35, "delivered"), (T + 30 * DAY, 45, "delivered")]),  # day 30: in
    ("c08", "treatment", T, [(T - 80 * DAY, 10, "delivered"), (T + 2 * DAY, 20, "paid"),
                             (T + 70 * DAY, 80, "delivered")]),
    ("c09", "treatment", T, [(T + 12 * DAY, 55, "delivered")]),
    ("c10", "treatment", T, [(T - 20 * DAY, 40, "delivered"), (T + 89 * DAY, 25, "delivered")]),
    ("c11", "treatment", LATE, [(LATE - 3 * DAY, 70, "delivered"), (LATE + 10 * DAY, 65, "delivered")]),
    ("c13", "treatment", T, [(T + 91 * DAY, 99, "delivered")]),  # after 90 days: outside every window
]
# an anonymous visitor whose device belongs to c12 (an event of c12 on it): c12's orders count
ANONYMOUS_UNIT = ("a1", "treatment", T, "c12", [(T + 3 * DAY, 33, "delivered")])
# exp_checkout_redesign: 32 control and 8 treatment units (chi-square 14.4: flagged);
# exp_recommendations: 10 and 10 (chi-square 0)
SRM_UNITS = {"exp_checkout_redesign": (32, 8), "exp_recommendations": (10, 10)}
# quarantine cases, each a unit of exp_loyalty_banner or a bad reference
DUPLICATE = ("c01", "control", T + 2 * DAY)  # the same unit and variant, later: superseded
CONFLICT = [("c20", "control", T), ("c20", "treatment", T + DAY)]  # both rows rejected
UNKNOWN = [("exp_nope", "control", "c21", T), ("exp_loyalty_banner", "variant_z", "c22", T)]


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _write(folder: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    columns = {column: [None if row[i] is None else str(row[i]) for row in rows] for i, column in enumerate(header)}
    pq.write_table(pa.table(columns, schema=pa.schema([(column, pa.string()) for column in header])),
                   folder / f"{name}.parquet")


def write_shop(folder: Path, with_assignments: bool = True) -> list[list[object]]:
    """The hand-made shop; returns the raw assignment rows written."""
    folder.mkdir(parents=True, exist_ok=True)
    customers = ([u[0] for u in LOYALTY_UNITS] + ["c12", "c20", "c21", "c22", "c99"]
                 + [f"s{e[-3:]}{i:02d}" for e, (a, b) in SRM_UNITS.items() for i in range(a + b)])
    _write(folder, "customers", ["customer_id", "email", "country_code", "acquisition_channel", "signup_ts",
                                 "updated_at"],
           [[c, f"{c}@example.com", "BR", "organic_search", "2024-01-01 00:00:00", "2024-01-01 00:00:00"]
            for c in customers])
    _write(folder, "products", ["product_id", "category"], [["p1", "aneis"]])
    orders = [(u[0], *o) for u in LOYALTY_UNITS for o in u[3]] + [(ANONYMOUS_UNIT[3], *o) for o in ANONYMOUS_UNIT[4]]
    orders.append(("c99", DATA_END, 10, "placed"))  # the latest order of any status: the data end
    _write(folder, "orders", ["order_id", "customer_id", "order_ts", "status", "payment_method", "installments",
                              "currency", "subtotal", "total_amount", "channel", "updated_at"],
           [[f"o{i}", c, _ts(t), status, "credit_card", "1", "USD", f"{amount}.00", f"{amount}.00", "web", _ts(t)]
            for i, (c, t, amount, status) in enumerate(orders)])
    _write(folder, "order_items", ["order_item_id", "order_id", "product_id", "quantity", "unit_price"],
           [[f"i{i}", f"o{i}", "p1", "1", f"{amount}.00"] for i, (_, _, amount, _) in enumerate(orders)])
    _write(folder, "events", ["event_id", "event_ts", "customer_id", "anonymous_id", "event_type", "platform"],
           [["e1", _ts(T - 50 * DAY), "c12", "a1", "page_view", "web"],
            ["e2", _ts(T - 1 * DAY), None, "a1", "page_view", "web"]])
    rows = [["exp_loyalty_banner", variant, customer, None, _ts(at)] for customer, variant, at, _ in LOYALTY_UNITS]
    rows.append(["exp_loyalty_banner", ANONYMOUS_UNIT[1], None, ANONYMOUS_UNIT[0], _ts(ANONYMOUS_UNIT[2])])
    for experiment, (control, treatment) in SRM_UNITS.items():
        rows += [[experiment, "control" if i < control else "treatment", f"s{experiment[-3:]}{i:02d}", None, _ts(T)]
                 for i in range(control + treatment)]
    rows.append(["exp_loyalty_banner", DUPLICATE[1], DUPLICATE[0], None, _ts(DUPLICATE[2])])
    rows += [["exp_loyalty_banner", variant, customer, None, _ts(at)] for customer, variant, at in CONFLICT]
    rows += [[experiment, variant, customer, None, _ts(T)] for experiment, variant, customer, at in UNKNOWN]
    if with_assignments:
        _write(folder, "experiment_assignments", ["experiment_id", "variant", "customer_id", "anonymous_id",
                                                  "assigned_ts"], rows)
    return rows


def hand_metrics() -> dict[str, list[tuple[str, bool, float, float | None]]]:
    """Per metric, per exp_loyalty_banner unit: (variant, eligible, value, pre-assignment value),
    from the definitions of doc block experiment_metrics."""
    units = [(variant, at, orders) for _, variant, at, orders in LOYALTY_UNITS]
    units.append((ANONYMOUS_UNIT[1], ANONYMOUS_UNIT[2], ANONYMOUS_UNIT[4]))
    out: dict[str, list] = {}
    for variant, at, orders in units:
        confirmed = [(t, amount) for t, amount, status in orders if status in ("paid", "shipped", "delivered")]

        def after(days: int) -> list[float]:
            return [a for t, a in confirmed if at < t <= at + days * DAY]

        def before(days: int) -> list[float]:
            return [a for t, a in confirmed if at - days * DAY < t <= at]

        def complete(days: int) -> bool:
            return (at + days * DAY).date() <= DATA_END.date()

        prior = len([t for t, _ in confirmed if t <= at])
        for days in (30, 60, 90):
            out.setdefault(f"retained_{days}d", []).append(
                (variant, complete(days), float(bool(after(days))), float(bool(before(days)))))
        out.setdefault("orders_per_unit", []).append((variant, complete(90), len(after(90)), len(before(90))))
        out.setdefault("net_revenue_usd_per_unit", []).append((variant, complete(90), sum(after(90)), sum(before(90))))
        out.setdefault("first_order_conversion", []).append((variant, complete(90) and prior == 0,
                                                             float(bool(after(90))), None))
        out.setdefault("repeat_order_conversion", []).append((variant, complete(90) and prior == 1,
                                                              float(bool(after(90))), None))
    return out


def expected_statistics(rows: list[tuple[str, bool, float, float | None]]) -> dict[str, float]:
    """The treatment row of experiment_results, computed with numpy and scipy."""
    eligible = [r for r in rows if r[1]]
    y = {v: np.array([r[2] for r in eligible if r[0] == v], float) for v in ("control", "treatment")}
    x = {v: np.array([r[3] or 0.0 for r in eligible if r[0] == v], float) for v in ("control", "treatment")}
    all_x, all_y = np.concatenate([x["control"], x["treatment"]]), np.concatenate([y["control"], y["treatment"]])
    theta = np.cov(all_x, all_y, ddof=1)[0, 1] / np.var(all_x, ddof=1) if np.var(all_x) > 0 else 0.0
    mc, mt = y["control"].mean(), y["treatment"].mean()
    vc, vt = y["control"].var(ddof=1) / y["control"].size, y["treatment"].var(ddof=1) / y["treatment"].size
    se = math.sqrt(vc + vt)
    z = stats.norm.ppf(0.975)
    rel_se = math.sqrt(vt / mc**2 + mt**2 * vc / mc**4) if mc else float("nan")
    adjusted = {v: y[v] - theta * x[v] for v in y}  # the CUPED-adjusted values: same variance formula
    se_cuped = math.sqrt(sum(adjusted[v].var(ddof=1) / adjusted[v].size for v in adjusted))
    lift_cuped = (mt - mc) - theta * (x["treatment"].mean() - x["control"].mean())
    return {
        "eligible_units": y["treatment"].size, "mean_value": mt, "sd_value": y["treatment"].std(ddof=1),
        "control_mean_value": mc, "absolute_lift": mt - mc,
        "absolute_lift_ci_lower": mt - mc - z * se, "absolute_lift_ci_upper": mt - mc + z * se,
        "relative_lift": mt / mc - 1 if mc else float("nan"),
        "relative_lift_ci_lower": mt / mc - 1 - z * rel_se if mc else float("nan"),
        "p_value": 2 * stats.norm.sf(abs(mt - mc) / se) if se else float("nan"),
        "cuped_theta": theta, "cuped_absolute_lift": lift_cuped,
        "cuped_absolute_lift_ci_upper": lift_cuped + z * se_cuped,
        "cuped_p_value": 2 * stats.norm.sf(abs(lift_cuped) / se_cuped) if se_cuped else float("nan"),
        "cuped_variance_reduction": 1 - se_cuped**2 / se**2 if se else float("nan"),
    }


@pytest.fixture(scope="module")
def hand_built(tmp_path_factory):
    work = tmp_path_factory.mktemp("experiments_hand")
    rows = write_shop(work / "raw")
    run = run_dbt(MODELS_AND_SEEDS, work / "raw", work)
    assert run.returncode == 0, run.output[-4000:]
    return run, rows, work


def _close(found, expected) -> bool:
    if expected is None or (isinstance(expected, float) and math.isnan(expected)):
        return found is None
    return found is not None and math.isclose(found, expected, rel_tol=1e-6, abs_tol=1e-6)


@pytest.mark.parametrize("metric", ["retained_30d", "retained_60d", "retained_90d", "orders_per_unit",
                                    "net_revenue_usd_per_unit", "first_order_conversion", "repeat_order_conversion"])
def test_results_match_numpy_and_scipy_on_the_hand_made_case(hand_built, metric):
    run, _, _ = hand_built
    expected = expected_statistics(hand_metrics()[metric])
    columns = list(expected)
    found = run.query(f"select {', '.join(columns)} from marts.experiment_results "
                      f"where experiment_id = 'exp_loyalty_banner' and variant = 'treatment' "
                      f"and metric_name = '{metric}'")
    assert len(found) == 1
    mismatches = {c: (f, expected[c]) for c, f in zip(columns, found[0]) if not _close(f, expected[c])}
    assert not mismatches, mismatches


def test_the_hand_made_case_exercises_the_windows_eligibility_and_cuped(hand_built):
    """Guards the case itself: the figures above are not all trivial."""
    metrics = hand_metrics()
    retained_30 = expected_statistics(metrics["retained_30d"])
    assert retained_30["eligible_units"] == 7 and 0 < retained_30["cuped_variance_reduction"] < 1
    # the late units are eligible at 30 days, not at 60 or 90
    assert expected_statistics(metrics["retained_60d"])["eligible_units"] == 6
    run, _, _ = hand_built
    assert run.query("select units, eligible_units from marts.experiment_results where experiment_id = "
                     "'exp_loyalty_banner' and variant = 'control' and metric_name = 'retained_90d'") == [(7, 6)]
    # c14's order at the assignment instant makes it a repeat-conversion unit, not a first-order one
    conversions = dict(run.query("select metric_name, eligible_units from marts.experiment_results where "
                                 "experiment_id = 'exp_loyalty_banner' and variant = 'control' "
                                 "and metric_name like '%_order_conversion'"))
    assert conversions == {"first_order_conversion": 2, "repeat_order_conversion": 4}  # old rule: 3 and 3


def test_the_sample_ratio_mismatch_is_flagged_with_scipys_chi_square(hand_built):
    run, _, _ = hand_built
    found = dict(run.query("select experiment_id, srm_p_value from marts.experiment_health where variant = 'control'"))
    for experiment, counts in SRM_UNITS.items():
        statistic, p_value = stats.chisquare(counts)
        # the normal tail of macro normal_upper_tail is within 7.5e-8 (Abramowitz and Stegun 26.2.17)
        assert math.isclose(found[experiment], p_value, rel_tol=0, abs_tol=1.5e-7), experiment
    flags = dict(run.query("select distinct experiment_id, has_sample_ratio_mismatch from marts.experiment_results"))
    assert flags == {"exp_checkout_redesign": True, "exp_recommendations": False, "exp_loyalty_banner": False}
    # chi-square 14.4 on one degree of freedom
    assert run.query("select distinct srm_chi_square from marts.experiment_health "
                     "where experiment_id = 'exp_checkout_redesign'") == [(pytest.approx(14.4),)]


def test_chi_square_p_value_macro_on_three_and_four_variants(hand_built):
    """Two variants are checked above; 3 variants (2 degrees: exact) and 4 (Wilson-Hilferty)
    against scipy, through the macro's SQL run on the test warehouse."""
    _, _, work = hand_built
    compiled = next((work / "target" / "compiled").rglob("int_experiments_sample_ratio_checked.sql")).read_text()
    formula = compiled[compiled.index("case\n"):compiled.index("as srm_p_value")]
    for statistic, degrees, tolerance in [(5.0, 2, 1e-9), (14.4, 1, 1.5e-7), (12.0, 3, 2e-3), (3.0, 3, 1e-2),
                                          (9.0, 5, 2e-3)]:
        sql = "select " + formula.replace("srm_chi_square", f"cast({statistic} as double)").replace(
            "degrees_of_freedom", str(degrees))
        with duckdb.connect() as con:
            value = con.execute(sql).fetchone()[0]
        assert math.isclose(value, stats.chi2.sf(statistic, degrees), abs_tol=tolerance), (statistic, degrees)


def test_quarantine_rules_and_raw_rows_are_clean_plus_rejected(hand_built):
    run, rows, _ = hand_built
    clean = run.query("select count(*) from staging.stg_shop__experiment_assignments")[0][0]
    rejected = dict(run.query("select rejection_rule, count(*) from audit.audit_rejected_rows "
                              "where source_table = 'experiment_assignments' group by rejection_rule"))
    assert clean + sum(rejected.values()) == len(rows)
    assert rejected == {"duplicate_key_superseded": 1, "conflicting_assignment": 2, "unknown_experiment": 1,
                        "unknown_enum_value": 1}
    # the earliest of the duplicate's deliveries is kept; the conflicting unit is nowhere
    assert run.query("select assigned_ts from staging.stg_shop__experiment_assignments "
                     "where customer_id = 'c01'") == [(T,)]
    assert run.query("select count(*) from staging.stg_shop__experiment_assignments where customer_id = 'c20'") == [(0,)]
    assert run.query("select rejected_value from audit.audit_rejected_rows "
                     "where rejection_rule = 'unknown_experiment'") == [("exp_nope",)]


def test_an_absent_assignments_file_gives_empty_marts(tmp_path):
    write_shop(tmp_path / "raw", with_assignments=False)
    run = run_dbt(MODELS_AND_SEEDS, tmp_path / "raw", tmp_path)
    assert run.returncode == 0, run.output[-4000:]
    assert "experiment_assignments" in run.output.split("read as empty:")[1].splitlines()[0]
    assert run.query("select count(*) from marts.experiment_results") == [(0,)]
    assert run.query("select count(*) from marts.experiment_health") == [(0,)]


def test_the_generators_designs_are_the_seeds_experiments():
    with open(PROJECT_DIR / "seeds" / "experiments.csv", newline="") as seed:
        rows = {row["experiment_id"]: row for row in csv.DictReader(seed)}
    assert set(rows) == {d.experiment_id for d in design.DESIGNS}
    for d in design.DESIGNS:
        assert (rows[d.experiment_id]["start_date"], rows[d.experiment_id]["end_date"]) == (str(d.start), str(d.end))


@pytest.fixture(scope="module")
def generated_built(tmp_path_factory):
    work = tmp_path_factory.mktemp("experiments_generated")
    report = generate(work / "raw", scale=0.02, seed=3, bad_row_share=0.0)
    run = run_dbt(MODELS_AND_SEEDS, work / "raw", work)
    assert run.returncode == 0, run.output[-4000:]
    return run, report


def test_generated_intervals_cover_the_true_effects_and_the_srm_is_flagged(generated_built):
    run, report = generated_built
    manifest = json.loads((Path(report.out_dir) / "_generation.json").read_text())
    assert manifest["experiments"] == report.experiments
    found = {(e, m): (lo, hi) for e, m, lo, hi in run.query(
        "select experiment_id, metric_name, absolute_lift_ci_lower, absolute_lift_ci_upper "
        "from marts.experiment_results where not is_control")}
    # each experiment's primary retention interval (95%: one seed, so a miss is possible in
    # principle; the coverage over seeds 1..5 is in the CHANGELOG / report note)
    for experiment, effects in report.experiments.items():
        lower, upper = found[(experiment, "retained_30d")]
        assert lower <= effects["retained_30d"] <= upper, (experiment, lower, effects["retained_30d"], upper)
    # the retention effect is there and detected; the null's interval covers 0
    assert report.experiments["exp_recommendations"]["retained_30d"] > 0.05
    assert found[("exp_recommendations", "retained_30d")][0] > 0
    assert found[("exp_loyalty_banner", "retained_30d")][0] <= 0 <= found[("exp_loyalty_banner", "retained_30d")][1]
    flags = dict(run.query("select distinct experiment_id, has_sample_ratio_mismatch from marts.experiment_health"))
    assert flags == {"exp_checkout_redesign": True, "exp_recommendations": False, "exp_loyalty_banner": False}
