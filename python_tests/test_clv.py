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
