"""The shifted-beta-geometric model (engagement_warehouse/clv/sbg.py) against Fader & Hardie (2007), "How to
Project Customer Retention": the paper's two 1,000-customer cohorts, fitted on years 1-7, and its projection of
years 8-12; plus the censored likelihood by hand, the insufficient-data rule and the residual lifetime."""

import math

import numpy as np
import pytest
from scipy.special import hyp2f1

from engagement_warehouse.clv import sbg

# Customers still alive at years 0..12 (Fader & Hardie 2007, table 1).
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]
FITTED_YEARS = 7


def significant(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits - 1}e}")


@pytest.mark.parametrize(("alive", "alpha", "beta"), [
    (REGULAR, 0.704, 1.182),
    (HIGH_END, 0.668, 3.806),
])
def test_fit_matches_the_published_estimates(alive, alpha, beta):
    # Measured: regular alpha 0.70408, beta 1.18204, LL -1680.27; high end alpha 0.66809, beta 3.80609, LL -1611.16.
    fit = sbg.fit([alive[: FITTED_YEARS + 1]])
    assert fit.status == sbg.FITTED
    assert (significant(fit.alpha), significant(fit.beta)) == (significant(alpha), significant(beta))
    assert (fit.cohorts, fit.customers, fit.periods) == (1, 1000, FITTED_YEARS)


@pytest.mark.parametrize(("alive", "tolerance"), [
    # measured worst gap, years 8-12: regular 0.0031 (3.1 of 1,000 customers), high end 0.0160 (16.0 customers)
    (REGULAR, 0.005),
    (HIGH_END, 0.02),
])
def test_projection_of_years_8_to_12_is_close_to_what_happened(alive, tolerance):
    fit = sbg.fit([alive[: FITTED_YEARS + 1]])
    years = np.arange(FITTED_YEARS + 1, len(alive))
    projected = sbg.survival(fit.alpha, fit.beta, years)
    actual = np.array(alive)[years] / alive[0]
    assert np.max(np.abs(projected - actual)) < tolerance


def test_censored_likelihood_of_two_cohorts_of_different_lengths_by_hand():
    # alpha = 1, beta = 2: S(t) = B(1, 2 + t) / B(1, 2) = 2 / (2 + t); P(T = t) = S(t - 1) - S(t)
    # S(1) = 2/3, S(2) = 1/2; P(T = 1) = 1/3, P(T = 2) = 2/3 - 1/2 = 1/6.
    # Cohort A, 100 -> 60 -> 40 (2 periods): 40 ln P(1) + 20 ln P(2) + 40 ln S(2)
    # Cohort B,  50 -> 30       (1 period):  20 ln P(1)              + 30 ln S(1)
    by_hand = 60 * math.log(1 / 3) + 20 * math.log(1 / 6) + 40 * math.log(1 / 2) + 30 * math.log(2 / 3)
    assert sbg.log_likelihood(1.0, 2.0, [[100, 60, 40], [50, 30]]) == pytest.approx(by_hand, rel=1e-12)


def test_survival_and_churn_probability_agree():
    alpha, beta, t = 0.7, 1.2, np.arange(1, 30)
    survival = sbg.survival(alpha, beta, np.arange(30))
    assert survival[0] == 1.0
    assert np.exp(sbg.log_churn_probability(alpha, beta, t)) == pytest.approx(survival[:-1] - survival[1:])
    assert sbg.retention_rate(alpha, beta, t) == pytest.approx(survival[1:] / survival[:-1])


def test_observed_survival_pools_cohorts_period_by_period():
    counts = sbg.summarise_cohorts([[100, 60, 40], [50, 30], [20]])  # the one-period cohort carries nothing
    assert (counts.cohorts, counts.customers, counts.periods) == (2, 150, 2)
    # period 1: (60 + 30) / (100 + 50); period 2, cohort A only: 40 / 60
    assert sbg.observed_survival(counts) == pytest.approx([1.0, 0.6, 0.6 * 40 / 60])


@pytest.mark.parametrize(("cohorts", "reason"), [
    ([[500, 300]], "cohorts observed for 1 period(s) after period 0, fewer than 2"),
    ([[60, 40, 30], [30, 20]], "90 customers in cohorts observed beyond period 0, fewer than 100"),
    ([[300, 300, 300]], "no customer churned"),
    ([[300, 0, 0]], "no customer alive at period 1"),
])
def test_insufficient_data_gives_a_reason_and_no_estimates(cohorts, reason):
    fit = sbg.fit(cohorts)
    assert (fit.status, fit.reason) == (sbg.INSUFFICIENT_DATA, reason)
    assert (fit.alpha, fit.beta, fit.log_likelihood) == (None, None, None)


def test_min_customers_is_an_argument():
    assert sbg.fit([[60, 40, 30], [30, 20]], min_customers=50).status == sbg.FITTED


def test_cohorts_that_grow_are_rejected():
    with pytest.raises(ValueError, match="never increase"):
        sbg.summarise_cohorts([[100, 60, 70]])


@pytest.mark.parametrize(("alpha", "beta"), [(0.704, 1.182), (0.3, 0.5), (2.0, 30.0)])
@pytest.mark.parametrize("discount_rate", [0.1, 1.1 ** (1 / 12) - 1])
def test_discounted_expected_residual_lifetime_matches_fader_hardie_2010(alpha, beta, discount_rate):
    # DERL(t) = (beta + t) / (alpha + beta + t) * 2F1(1, beta + t + 1; alpha + beta + t + 1; 1 / (1 + d))
    t = np.arange(0, 25)
    z = 1 / (1 + discount_rate)
    closed_form = (beta + t) / (alpha + beta + t) * hyp2f1(1, beta + t + 1, alpha + beta + t + 1, z)
    derl = sbg.discounted_expected_residual_lifetime(alpha, beta, t, discount_rate)
    assert derl == pytest.approx(closed_form, rel=1e-9)


def test_residual_lifetime_of_a_constant_churn_is_geometric():
    # alpha and beta huge in the ratio 1:3: churn 0.25 for everyone, so DERL = r / (1 - r / (1 + d)) at any period
    derl = sbg.discounted_expected_residual_lifetime(1e6, 3e6, [0, 100], 0.1)
    assert derl == pytest.approx(0.75 / (1 - 0.75 / 1.1), rel=1e-4)
