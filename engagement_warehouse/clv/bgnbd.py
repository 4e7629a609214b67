"""BG/NBD: the beta-geometric / negative binomial distribution model of repeat purchasing
(Fader, Hardie and Lee 2005, "Counting Your Customers the Easy Way", Marketing Science 24(2)).

While alive, a customer buys at a Poisson rate lambda (gamma(r, alpha) across customers); after
each purchase they drop out with probability p (beta(a, b) across customers). A customer is
summarised by x (repeat purchases), t_x (time of the last purchase since the first) and T (time
since the first purchase), all in one time unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .fitting import FitSettings, FitStatus, compress, maximise_likelihood, repeat_customer_shortfall

PARAMETERS = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BgNbdFit:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int
    repeat_customers: int
    status: FitStatus

    @property
    def params(self) -> tuple[float, float, float, float]:
        return self.r, self.alpha, self.a, self.b


def log_likelihood_per_customer(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """ln L(r, alpha, a, b | x, t_x, T) of each customer (equation 6 of the paper)."""
    r, alpha, a, b = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    still_alive = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + t)
    with np.errstate(divide="ignore", invalid="ignore"):
        dropped_out = np.where(
            x > 0,
            special.betaln(a + 1, b + np.maximum(x, 1) - 1) - special.betaln(a, b) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return common + np.logaddexp(still_alive, dropped_out)


def fit(x: np.ndarray, t_x: np.ndarray, t: np.ndarray, min_repeat_customers: int = 100,
        settings: FitSettings = FitSettings()) -> BgNbdFit:
    """Maximum-likelihood estimates of (r, alpha, a, b), searched in log space inside the range of
    `settings`; the status says whether they can be used (fitting.py). Identical customers are
    counted once with a weight, so the cost grows with the distinct (x, t_x, T) triples, not the
    customers."""
    x, t_x, t = (np.asarray(v, dtype=float) for v in (x, t_x, t))
    repeat_customers = int((x > 0).sum())
    shortfall = repeat_customer_shortfall(x, min_repeat_customers)
    if shortfall is not None:
        return BgNbdFit(*(np.nan,) * 5, customers=x.size, repeat_customers=repeat_customers, status=shortfall)
    (ux, ut_x, ut), weight = compress(x, t_x, t)

    def negative_log_likelihood(log_params: np.ndarray) -> float:
        return -float(weight @ log_likelihood_per_customer(np.exp(log_params), ux, ut_x, ut))

    # a neutral start: every parameter 1
    log_params, status = maximise_likelihood("BG/NBD", PARAMETERS, negative_log_likelihood, np.zeros(4), settings)
    r, alpha, a, b = np.exp(log_params)
    return BgNbdFit(r, alpha, a, b, -negative_log_likelihood(log_params), x.size, repeat_customers, status)


def probability_alive(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """P(alive at T | x, t_x, T): 1 for a customer without repeat purchases, by the model's
    assumption that dropping out happens only right after a purchase (equation 11)."""
    r, alpha, a, b = params
    x, t_x, t = (np.asarray(v, dtype=float) for v in (x, t_x, t))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + t) - np.log(alpha + t_x))
    return np.where(x > 0, 1.0 / (1.0 + np.exp(np.where(x > 0, log_ratio, 0.0))), 1.0)


def expected_purchases(params: tuple[float, ...], horizon: float | np.ndarray, x: np.ndarray, t_x: np.ndarray,
                       t: np.ndarray) -> np.ndarray:
    """E[Y(horizon) | x, t_x, T]: expected purchases in the next `horizon` time units of a customer
    with that history (equation 10)."""
    r, alpha, a, b = params
    x, t_x, t = (np.asarray(v, dtype=float) for v in (x, t_x, t))
    horizon = np.asarray(horizon, dtype=float)
    z = horizon / (alpha + t + horizon)
    hypergeometric = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + t) / (alpha + t + horizon)) ** (r + x) * hypergeometric)
    with np.errstate(divide="ignore", invalid="ignore"):
        odds_dead = np.where(x > 0, a / (b + np.maximum(x, 1) - 1) * ((alpha + t) / (alpha + t_x)) ** (r + x), 0.0)
    return numerator / (1 + odds_dead)


def expected_purchases_new_customer(params: tuple[float, ...], horizon: float | np.ndarray) -> np.ndarray:
    """E[X(t)]: expected purchases of a new customer in a period of length t (equation 9)."""
    r, alpha, a, b = params
    horizon = np.asarray(horizon, dtype=float)
    z = horizon / (alpha + horizon)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + horizon)) ** r * special.hyp2f1(r, b, a + b - 1, z))
