"""The BG/NBD and Gamma-Gamma fitters reproduce the estimates published on the CDNOW sample.

Data: the 2,357 CDNOW customers with their 39-week calibration summaries (x, t_x, T in weeks,
and zbar, the mean value of the repeat transactions), as distributed in the lifetimes wheel on
PyPI (`make test-data` downloads it, checksum pinned). Only its data files are read.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from engagement_warehouse.clv import bgnbd, gamma_gamma

PROJECT_DIR = Path(__file__).resolve().parents[1]


def significant(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


@pytest.fixture(scope="module")
def cdnow() -> dict[str, np.ndarray]:
    wheel = Path(os.environ.get("LIFETIMES_WHEEL", PROJECT_DIR / ".venv/test-data/Lifetimes-0.11.3-py3-none-any.whl"))
    if not wheel.exists():
        pytest.fail(f"{wheel} is missing: run `make test-data`")
    with zipfile.ZipFile(wheel) as archive:
        with archive.open("lifetimes/datasets/cdnow_customers_summary_with_transactions.csv") as raw:
            rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
    assert len(rows) == 2357
    return {column: np.array([float(row[column]) for row in rows]) for column in ("x", "t_x", "T", "zbar")}


def test_bgnbd_matches_fader_hardie_lee_2005(cdnow):
    fitted = bgnbd.fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    assert fitted.status.status == "converged"
    # "Counting Your Customers the Easy Way", section 4: r = 0.243, alpha = 4.414, a = 0.793,
    # b = 2.426, LL = -9582.4
    assert significant(fitted.r) == 0.243
    assert significant(fitted.alpha, 4) == 4.414
    assert significant(fitted.a) == 0.793
    assert significant(fitted.b, 4) == 2.426
    assert round(fitted.log_likelihood, 1) == -9582.4
    assert (fitted.customers, fitted.repeat_customers) == (2357, 946)


def test_bgnbd_conditional_expectation_of_the_papers_example_customer(cdnow):
    fitted = bgnbd.fit(cdnow["x"], cdnow["t_x"], cdnow["T"])
    # the paper's example: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in the next 39
    # weeks; a new customer 1.20 in 39 weeks (figure of E[X(t)] at t = 39)
    example = bgnbd.expected_purchases(fitted.params, 39, np.array([2.0]), np.array([30.43]), np.array([38.86]))
    assert round(float(example[0]), 3) == 1.226
    assert round(float(bgnbd.expected_purchases_new_customer(fitted.params, 39)), 2) == 1.20


def test_probability_alive_is_one_without_repeat_purchases_and_falls_with_silence(cdnow):
    params = (0.243, 4.414, 0.793, 2.426)
    alive = bgnbd.probability_alive(params, np.array([0.0, 2.0, 2.0]), np.array([0.0, 30.43, 5.0]),
                                    np.array([38.86, 38.86, 38.86]))
    assert alive[0] == 1.0
    # by hand: 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    by_hand = [1 / (1 + 0.793 / (2.426 + 1) * ((4.414 + 38.86) / (4.414 + t_x)) ** 2.243) for t_x in (30.43, 5.0)]
    assert alive[1:] == pytest.approx(by_hand, rel=1e-12)
    assert alive[1] > alive[2]


def test_gamma_gamma_matches_fader_hardie_lee_2005(cdnow):
    fitted = gamma_gamma.fit(cdnow["x"], cdnow["zbar"])
    assert fitted.status.status == "converged"
    # "RFM and CLV: Using Iso-Value Curves", p = 6.25, q = 3.74, v = 15.44 (946 repeat customers)
    assert significant(fitted.p) == 6.25
    assert significant(fitted.q) == 3.74
    assert significant(fitted.v) == 15.4
    assert abs(fitted.v - 15.44) < 0.01
    assert fitted.customers == 946
    # spend and frequency hardly correlated on CDNOW, as the model assumes
    assert abs(fitted.frequency_spend_correlation) < 0.2


def test_gamma_gamma_expected_value_shrinks_towards_the_population_mean():
    p, q, v = 6.25, 3.74, 15.44
    population_mean = p * v / (q - 1)
    values = gamma_gamma.expected_average_value((p, q, v), np.array([0.0, 1.0, 10.0]), np.array([0.0, 100.0, 100.0]))
    assert values[0] == pytest.approx(population_mean)
    assert values[1] == pytest.approx(p * (v + 100.0) / (p + q - 1))
    assert population_mean < values[1] < values[2] < 100.0


def test_too_few_repeat_customers_gives_no_estimates():
    x = np.array([0.0] * 500 + [1.0] * 20)
    fitted = bgnbd.fit(x, x * 3, np.full(x.size, 40.0), min_repeat_customers=100)
    assert fitted.status.status == "insufficient_data"
    assert "20 repeat customers" in fitted.status.reason
    assert np.isnan(fitted.r)
    spend = gamma_gamma.fit(x, x * 25.0, min_repeat_customers=100)
    assert spend.status.status == "insufficient_data"
    assert np.isnan(spend.p)


def _rfm_table(frequency, recency, age, monetary):
    import pyarrow as pa

    n = len(frequency)
    return pa.table({
        "person_key": [f"p{i}" for i in range(n)], "frequency": frequency, "recency": recency,
        "customer_age": age, "monetary_value": monetary, "time_unit": ["week"] * n,
        "observation_end_date": pa.array([date(1998, 6, 30)] * n, pa.date32()),
    })


def test_the_dbt_tables_say_insufficient_data_and_predict_nothing_below_the_threshold():
    from engagement_warehouse.clv import tables

    rfm = _rfm_table([0] * 50 + [2] * 10, [0.0] * 50 + [20.0] * 10, [40.0] * 60, [0.0] * 50 + [30.0] * 10)
    params = tables.model_params(rfm, min_repeat_customers=100)
    rows = params.to_pylist()
    assert [(row["model"], row["parameter"]) for row in rows] == [
        ("bg_nbd", "r"), ("bg_nbd", "alpha"), ("bg_nbd", "a"), ("bg_nbd", "b"),
        ("gamma_gamma", "p"), ("gamma_gamma", "q"), ("gamma_gamma", "v")]
    assert {row["model_status"] for row in rows} == {"insufficient_data"}
    assert all(row["estimate"] is None for row in rows)
    assert "10 repeat customers" in rows[0]["status_reason"]
    scores = tables.scores(rfm, params, annual_discount_rate=0.1)
    assert scores.column("predicted_clv_12m_usd").null_count == 60
    assert scores.column("probability_alive").null_count == 60


def test_the_dbt_tables_score_the_cdnow_customers(cdnow):
    from engagement_warehouse.clv import tables

    rfm = _rfm_table(cdnow["x"].astype(int).tolist(), cdnow["t_x"].tolist(), cdnow["T"].tolist(),
                     cdnow["zbar"].tolist())
    params = tables.model_params(rfm, min_repeat_customers=100)
    estimates = {row["parameter"]: row["estimate"] for row in params.to_pylist()}
    assert significant(estimates["r"]) == 0.243 and significant(estimates["p"]) == 6.25
    scores = tables.scores(rfm, params, annual_discount_rate=0.0).to_pylist()
    first = scores[0]  # x = 2, t_x = 30.43, T = 38.86 weeks
    expected_90 = bgnbd.expected_purchases(tables.params_of(params, "bg_nbd"), 90 / 7, np.array([2.0]),
                                           np.array([30.43]), np.array([38.86]))[0]
    assert first["expected_purchases_90d"] == pytest.approx(expected_90)
    # undiscounted, the 12 monthly increments add up to the expectation over 365 days
    value = gamma_gamma.expected_average_value(tables.params_of(params, "gamma_gamma"), np.array([2.0]),
                                               np.array([22.35]))[0]
    assert first["predicted_clv_12m_usd"] == pytest.approx(value * first["expected_purchases_365d"], rel=1e-9)


def test_backtest_on_the_cdnow_holdout(tmp_path):
    """Calibration weeks 1-39 and holdout weeks 40-78 of the CDNOW transactions: buckets and the
    total add up to independently computed expectations and counts."""
    import datetime as dt
    from collections import defaultdict

    import pyarrow as pa

    from engagement_warehouse.clv import tables

    wheel = Path(os.environ.get("LIFETIMES_WHEEL", PROJECT_DIR / ".venv/test-data/Lifetimes-0.11.3-py3-none-any.whl"))
    purchase_days: dict[str, set] = defaultdict(set)
    with zipfile.ZipFile(wheel) as archive, archive.open("lifetimes/datasets/CDNOW_sample.txt") as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            customer, _, day, _, _ = line.split()
            purchase_days[customer].add(dt.datetime.strptime(day, "%Y%m%d").date())
    calibration_end, observation_end = dt.date(1997, 9, 30), dt.date(1998, 6, 30)
    rows = []
    for customer, days in purchase_days.items():
        days = sorted(days)
        calibration = [day for day in days if day <= calibration_end]
        rows.append({"person_key": customer, "frequency": len(calibration) - 1,
                     "recency": (calibration[-1] - days[0]).days / 7, "customer_age": (calibration_end - days[0]).days / 7,
                     "monetary_value": 0.0, "holdout_purchases": len(days) - len(calibration),
                     "calibration_end_date": calibration_end, "observation_end_date": observation_end,
                     "holdout_length": (observation_end - calibration_end).days / 7, "time_unit": "week"})
    data = pa.Table.from_pylist(rows)
    # the same data as the published summary: 2,357 customers, 2,457 calibration repeat purchases
    assert data.num_rows == 2357 and sum(row["frequency"] for row in rows) == 2457
    result = {row["frequency_bucket"]: row for row in tables.backtest(data, min_repeat_customers=100).to_pylist()}
    assert list(result) == ["0", "1", "2", "3", "4", "5", "6", "7+", "all"]
    x = np.array([row["frequency"] for row in rows], float)
    t_x = np.array([row["recency"] for row in rows])
    t = np.array([row["customer_age"] for row in rows])
    fitted = bgnbd.fit(x, t_x, t)
    expected = bgnbd.expected_purchases(fitted.params, 39.0, x, t_x, t)
    actual = np.array([row["holdout_purchases"] for row in rows], float)
    for label, members in [("0", x == 0), ("3", x == 3), ("7+", x >= 7), ("all", x >= 0)]:
        assert result[label]["customers"] == int(members.sum())
        assert result[label]["actual_repeat_purchases"] == actual[members].sum()
        assert result[label]["predicted_repeat_purchases"] == pytest.approx(expected[members].sum(), rel=1e-9)
    assert result["all"]["actual_repeat_purchases"] == 1882
    assert sum(result[k]["customers"] for k in list(result)[:-1]) == 2357


def _degenerate_shop(seed: int = 1):
    """The shape of issue 15: 9,000 one-time buyers and 99 repeat buyers with a single repeat
    purchase each, made soon after the first (days). BG/NBD's likelihood then keeps rising towards
    a = infinity, b = 0 (every buyer drops out right after a purchase): there is no estimate."""
    rng = np.random.default_rng(seed)
    once, repeat = 9_000, 99
    age = rng.uniform(30, 700, once + repeat).round()
    x = np.r_[np.zeros(once), np.ones(repeat)]
    t_x = np.r_[np.zeros(once), (rng.uniform(0.0, 0.2, repeat) * age[once:]).round().clip(1)]
    return x, t_x, age


def test_a_bgnbd_fit_that_runs_to_the_bound_is_not_converged_and_names_the_parameter():
    from engagement_warehouse.clv.fitting import FitSettings

    x, t_x, age = _degenerate_shop()
    settings = FitSettings(parameter_min=1e-6, parameter_max=1e6, bound_tolerance=1e-3)
    fitted = bgnbd.fit(x, t_x, age, min_repeat_customers=50, settings=settings)
    assert fitted.status.status == "boundary"
    assert not fitted.status.is_converged
    # a at the upper bound, b at the lower one, each named with its value and bound
    assert fitted.a == pytest.approx(1e6, rel=1e-3) and fitted.b == pytest.approx(1e-6, rel=1e-3)
    assert "BG/NBD parameter a = 1e+06 at the upper bound 1e+06" in fitted.status.reason
    assert "b = 1e-06 at the lower bound 1e-06" in fitted.status.reason
    # the same data with a narrower range stop at that range's bounds: the bound, not the data, sets them
    narrow = bgnbd.fit(x, t_x, age, min_repeat_customers=50, settings=FitSettings(1e-4, 1e4, 1e-3))
    assert narrow.status.status == "boundary" and "b = 0.0001 at the lower bound 0.0001" in narrow.status.reason


def test_a_gamma_gamma_fit_without_spread_in_spend_is_at_the_bound():
    # every repeat customer spends exactly 50 each time: no variation within or between customers,
    # so p and q run to infinity
    x = np.random.default_rng(3).integers(1, 4, 200).astype(float)
    fitted = gamma_gamma.fit(x, np.full(200, 50.0), min_repeat_customers=100)
    assert fitted.status.status == "boundary"
    assert "Gamma-Gamma parameter p = 1e+06 at the upper bound 1e+06" in fitted.status.reason


def test_the_cdnow_fits_stay_converged_inside_the_range(cdnow):
    # the reference: the published estimates lie well inside 1e-6..1e6 and the Hessian is positive definite
    assert bgnbd.fit(cdnow["x"], cdnow["t_x"], cdnow["T"]).status.status == "converged"
    assert gamma_gamma.fit(cdnow["x"], cdnow["zbar"]).status.status == "converged"


def test_the_dbt_tables_of_a_boundary_fit_keep_the_numbers_but_predict_nothing():
    from engagement_warehouse.clv import tables

    x, t_x, age = _degenerate_shop()
    rfm = _rfm_table(x.astype(int).tolist(), t_x.tolist(), age.tolist(), np.where(x > 0, 40.0, 0.0).tolist())
    params = tables.model_params(rfm, min_repeat_customers=50)
    bg = {row["parameter"]: row for row in params.to_pylist() if row["model"] == "bg_nbd"}
    assert {row["model_status"] for row in bg.values()} == {"boundary"}
    assert bg["a"]["estimate"] == pytest.approx(1e6, rel=1e-3)  # shown for review
    assert "parameter a = 1e+06 at the upper bound" in bg["a"]["status_reason"]
    assert tables.params_of(params, "bg_nbd") is None
    scores = tables.scores(rfm, params, annual_discount_rate=0.1)
    for column in ("probability_alive", "expected_purchases_90d", "predicted_clv_12m_usd"):
        assert scores.column(column).null_count == rfm.num_rows, column
