"""Shifted-beta-geometric (sBG) retention model: Fader & Hardie (2007), "How to Project Customer Retention",
Journal of Interactive Marketing 21(1), 76-90.

Each customer has a constant probability theta of churning in every period; theta varies across customers as a
Beta(alpha, beta) distribution. A customer alive at period 0 churns in period t (is alive at t - 1, not at t)
with probability

    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)        t = 1, 2, ...
    S(t)     = B(alpha, beta + t) / B(alpha, beta)                 survival: still alive at period t
    r(t)     = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)   retention rate of period t

Cohorts are lists of customers still alive at periods 0, 1, ..., T_c (n_c(0) = the cohort's size). A cohort may
be observed for fewer periods than another (right-censored): its n_c(T_c) customers are known to be alive at T_c
and nothing more. The parameters are fitted by maximum likelihood over log(alpha), log(beta).

Insufficient data (status ``insufficient_data``, with the reason, instead of estimates), checked in this order:
- the longest cohort is observed for fewer than ``MIN_OBSERVED_PERIODS`` (2) periods after period 0: one period
  identifies only the mean churn alpha / (alpha + beta); how retention rises from one period to the next is what
  separates the mean from the spread (heterogeneity);
- the cohorts observed beyond period 0 hold fewer than ``min_customers`` (default ``MIN_CUSTOMERS``, 100)
  customers: below about 100, a one-period retention rate is uncertain by +/- 10 points (95 %), more than the
  differences between the curves the model tells apart;
- no customer churned (the likelihood grows as the mean churn alpha / (alpha + beta) -> 0), or no customer
  is alive at period 1 (everyone left at once: alpha / (alpha + beta) -> 1). Neither has a finite estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betaln

from . import fitting

MIN_CUSTOMERS = 100
MIN_OBSERVED_PERIODS = 2
# Search box of log(alpha) and log(beta): 1e-4 to 1e4. An estimate on the box's edge means the data point to a
# limit the model reaches only at infinity (e.g. no heterogeneity at all: alpha, beta -> infinity).
PARAMETER_MIN, PARAMETER_MAX = 1e-4, 1e4
LOG_PARAMETER_BOUNDS = (math.log(PARAMETER_MIN), math.log(PARAMETER_MAX))
# Nelder-Mead's first triangle in (log alpha, log beta), from alpha = beta = 1 (churn uniform on 0..1).
_INITIAL_SIMPLEX = np.array([[0.0, 0.0], [0.5, 0.0], [0.0, 0.5]])

# The statuses of retention_projection's fit_status. They are fitting.py's, under the names this model has
# always had: fitted is converged, fitted_at_bound is boundary (a projection is still drawn there: the limit the
# data point to, see the doc block retention_projection).
FITTED = "fitted"
FITTED_AT_BOUND = "fitted_at_bound"
INSUFFICIENT_DATA = fitting.INSUFFICIENT_DATA
NOT_CONVERGED = fitting.NOT_CONVERGED
FIT_STATUSES = (FITTED, FITTED_AT_BOUND, INSUFFICIENT_DATA, NOT_CONVERGED)
_STATUS_NAMES = {fitting.CONVERGED: FITTED, fitting.BOUNDARY: FITTED_AT_BOUND, fitting.NOT_CONVERGED: NOT_CONVERGED}


def log_survival(alpha: float, beta: float, periods: ArrayLike) -> NDArray[np.float64]:
    """ln S(t) = ln B(alpha, beta + t) - ln B(alpha, beta), for periods t >= 0."""
    t = np.asarray(periods, dtype=float)
    return betaln(alpha, beta + t) - betaln(alpha, beta)


def log_churn_probability(alpha: float, beta: float, periods: ArrayLike) -> NDArray[np.float64]:
    """ln P(T = t) = ln B(alpha + 1, beta + t - 1) - ln B(alpha, beta), for periods t >= 1."""
    t = np.asarray(periods, dtype=float)
    if np.any(t < 1):
        raise ValueError("churn happens in periods 1, 2, ...")
    return betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta)


def survival(alpha: float, beta: float, periods: ArrayLike) -> NDArray[np.float64]:
    """S(t): share of a cohort still alive at period t (S(0) = 1)."""
    return np.exp(log_survival(alpha, beta, periods))


def retention_rate(alpha: float, beta: float, periods: ArrayLike) -> NDArray[np.float64]:
    """r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1), for periods t >= 1: it rises with t,
    because the customers most likely to churn leave first."""
    t = np.asarray(periods, dtype=float)
    if np.any(t < 1):
        raise ValueError("retention rates are defined for periods 1, 2, ...")
    return (beta + t - 1) / (alpha + beta + t - 1)


def discounted_expected_residual_lifetime(
    alpha: float, beta: float, periods: ArrayLike, discount_rate: float, tolerance: float = 1e-12
) -> NDArray[np.float64]:
    """DERL of Fader & Hardie (2010, Marketing Science 29(1)): for a customer alive at period t (t renewals made),
    the expected number of further periods alive, the k-th further period counted at 1 / (1 + d)^(k - 1):

        DERL(t) = sum_{k >= 1} S(t + k) / S(t) / (1 + d)^(k - 1)
                = r(t + 1) * 2F1(1, beta + t + 1; alpha + beta + t + 1; 1 / (1 + d))

    In periods: a customer paying 1 at the start of every period they stay is worth DERL(t) at the start of
    period t + 1. Without discounting the sum is infinite when alpha <= 1, hence d > 0. Summed in logs until
    the tail left out is below tolerance times DERL(t) (scipy's hyp2f1 returns nan for the large parameters of
    long horizons)."""
    if discount_rate <= 0:
        raise ValueError("the discount rate per period must be positive")
    t = np.asarray(periods)
    if np.any(t < 0) or np.any(t != np.round(t)):
        raise ValueError("periods are whole numbers >= 0")
    t = t.astype(np.int64)
    log_discount = math.log1p(discount_rate)
    # terms beyond j leave out at most (1 + d)^-(j - t) / (1 - 1 / (1 + d)) of DERL(t)
    extra_terms = math.ceil((math.log(1 / tolerance) + math.log((1 + discount_rate) / discount_rate)) / log_discount)
    j = np.arange(int(t.max(initial=0)) + extra_terms + 1)
    log_terms = log_survival(alpha, beta, j + 1) - j * log_discount  # S(j + 1) / (1 + d)^j
    log_suffix_sums = np.logaddexp.accumulate(log_terms[::-1])[::-1]
    return np.exp(log_suffix_sums[t] - log_survival(alpha, beta, t) + t * log_discount)


@dataclass(frozen=True)
class SurvivalCounts:
    """Cohorts summed by period t = 0..periods (arrays of length periods + 1), over the cohorts observed through t.

    at_risk[t]: alive at t - 1 (0 at t = 0); alive[t]: alive at t; censored[t]: alive at the last period of the
    cohorts observed exactly through t; cohorts_observed[t] and customers_observed[t]: those cohorts and their
    sizes. Cohorts observed only at period 0 carry no information on churn and are left out."""

    at_risk: NDArray[np.float64]
    alive: NDArray[np.float64]
    censored: NDArray[np.float64]
    cohorts_observed: NDArray[np.int64]
    customers_observed: NDArray[np.float64]

    @property
    def periods(self) -> int:
        return len(self.alive) - 1

    @property
    def cohorts(self) -> int:
        return int(self.cohorts_observed[0]) if len(self.cohorts_observed) else 0

    @property
    def customers(self) -> float:
        return float(self.customers_observed[0]) if len(self.customers_observed) else 0.0

    @property
    def churned(self) -> NDArray[np.float64]:
        return self.at_risk - np.where(np.arange(self.periods + 1) > 0, self.alive, 0.0)


def _validated_cohort(cohort: ArrayLike) -> NDArray[np.float64]:
    counts = np.asarray(cohort, dtype=float)
    if counts.ndim != 1 or counts.size == 0:
        raise ValueError("a cohort is a non-empty list of customers alive at periods 0, 1, ...")
    if not np.all(np.isfinite(counts)) or counts[0] <= 0 or np.any(counts < 0) or np.any(np.diff(counts) > 0):
        raise ValueError(f"a cohort's alive counts must start positive and never increase: {counts.tolist()}")
    return counts


def summarise_cohorts(cohorts: Sequence[ArrayLike]) -> SurvivalCounts:
    """Sum cohorts (each: customers alive at periods 0..T_c) into SurvivalCounts."""
    usable = [counts for counts in map(_validated_cohort, cohorts) if counts.size > 1]
    size = max((counts.size for counts in usable), default=0)
    at_risk, alive, censored, customers = (np.zeros(size) for _ in range(4))
    cohorts_observed = np.zeros(size, dtype=np.int64)
    for counts in usable:
        last = counts.size - 1
        at_risk[1 : last + 1] += counts[:-1]
        alive[: last + 1] += counts
        censored[last] += counts[-1]
        cohorts_observed[: last + 1] += 1
        customers[: last + 1] += counts[0]
    return SurvivalCounts(at_risk, alive, censored, cohorts_observed, customers)


def observed_survival(counts: SurvivalCounts) -> NDArray[np.float64]:
    """Product-limit (Kaplan-Meier) survival of the pooled cohorts: the product over periods k <= t of
    alive[k] / at_risk[k], each ratio taken over the cohorts observed through k, so that young cohorts count
    for the periods they have and old cohorts alone do not set the tail. A period nobody was at risk in
    leaves the curve unchanged."""
    if counts.periods < 0:
        return np.zeros(0)
    ratios = np.divide(counts.alive, counts.at_risk, out=np.ones_like(counts.alive), where=counts.at_risk > 0)
    ratios[0] = 1.0
    return np.cumprod(ratios)


def _log_likelihood_of_counts(alpha: float, beta: float, counts: SurvivalCounts) -> float:
    churn_periods, censored_periods = _periods_with_counts(counts)
    return float(
        np.sum(counts.churned[churn_periods] * log_churn_probability(alpha, beta, churn_periods))
        + np.sum(counts.censored[censored_periods] * log_survival(alpha, beta, censored_periods))
    )


def _periods_with_counts(counts: SurvivalCounts) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Periods with churn (t >= 1) and periods with censored customers: the only terms of the likelihood."""
    periods = np.arange(counts.periods + 1)
    return periods[(periods > 0) & (counts.churned > 0)], periods[counts.censored > 0]


def log_likelihood(alpha: float, beta: float, cohorts: Sequence[ArrayLike]) -> float:
    """sum over cohorts c of  sum_{t=1..T_c} (n_c(t-1) - n_c(t)) ln P(T = t)  +  n_c(T_c) ln S(T_c)."""
    return _log_likelihood_of_counts(alpha, beta, summarise_cohorts(cohorts))


@dataclass(frozen=True)
class SbgFit:
    """Outcome of a fit: alpha, beta and log_likelihood are None unless status is fitted or fitted_at_bound;
    reason says why for any other status (and which bound for fitted_at_bound)."""

    status: str
    reason: str | None
    alpha: float | None
    beta: float | None
    log_likelihood: float | None
    cohorts: int
    customers: float
    periods: int

    @property
    def has_estimates(self) -> bool:
        return self.alpha is not None and self.beta is not None


def insufficient_data_reason(
    counts: SurvivalCounts, min_customers: float = MIN_CUSTOMERS, min_periods: int = MIN_OBSERVED_PERIODS
) -> str | None:
    """Why these counts cannot support a fit (see the module's docstring), or None when they can."""
    if counts.periods < min_periods:
        return f"cohorts observed for {max(counts.periods, 0)} period(s) after period 0, fewer than {min_periods}"
    if counts.customers < min_customers:
        return f"{counts.customers:g} customers in cohorts observed beyond period 0, fewer than {min_customers:g}"
    if not np.any(counts.churned[1:] > 0):
        return "no customer churned"
    if counts.alive[1] == 0:
        return "no customer alive at period 1"
    return None


def fit(
    cohorts: Sequence[ArrayLike] | SurvivalCounts,
    *,
    min_customers: float = MIN_CUSTOMERS,
    min_periods: int = MIN_OBSERVED_PERIODS,
    bound_tolerance: float = fitting.FitSettings().bound_tolerance,
) -> SbgFit:
    """Maximum-likelihood alpha and beta from cohorts (each: customers alive at periods 0..T_c) or their
    SurvivalCounts, by Nelder-Mead over (log alpha, log beta) in LOG_PARAMETER_BOUNDS; the status follows
    fitting.assess (an estimate within `bound_tolerance`, relative, of the range's edge is fitted_at_bound; a
    non-finite likelihood, a failed optimiser or a Hessian that is not positive definite is not_converged)."""
    counts = cohorts if isinstance(cohorts, SurvivalCounts) else summarise_cohorts(cohorts)
    reason = insufficient_data_reason(counts, min_customers, min_periods)
    if reason is not None:
        return SbgFit(INSUFFICIENT_DATA, reason, None, None, None, counts.cohorts, counts.customers, counts.periods)

    def mean_negative_log_likelihood(log_parameters: NDArray[np.float64]) -> float:
        alpha, beta = np.exp(log_parameters)
        return -_log_likelihood_of_counts(alpha, beta, counts) / counts.customers

    # Nelder-Mead: two parameters and no gradient to get wrong (L-BFGS-B with finite differences stopped
    # with ABNORMAL line searches at the optimum on some demo segments).
    result = minimize(
        mean_negative_log_likelihood, x0=np.zeros(2), method="Nelder-Mead", bounds=[LOG_PARAMETER_BOUNDS] * 2,
        options={"initial_simplex": _INITIAL_SIMPLEX, "xatol": 1e-9, "fatol": 1e-13, "maxiter": 2000},
    )
    settings = fitting.FitSettings(PARAMETER_MIN, PARAMETER_MAX, bound_tolerance)
    status = fitting.assess("sBG", ("alpha", "beta"), result.x, mean_negative_log_likelihood, settings,
                            bool(result.success), str(result.message))
    if status.status == fitting.NOT_CONVERGED:
        return SbgFit(NOT_CONVERGED, status.reason, None, None, None, counts.cohorts, counts.customers,
                      counts.periods)
    alpha, beta = (float(value) for value in np.exp(result.x))
    reason = None if status.is_converged else status.reason
    return SbgFit(_STATUS_NAMES[status.status], reason, alpha, beta,
                  _log_likelihood_of_counts(alpha, beta, counts), counts.cohorts, counts.customers, counts.periods)
