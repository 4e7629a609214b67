"""Gamma-Gamma: the spend-per-transaction model (Fader, Hardie and Lee 2005, "RFM and CLV: Using
Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research 42(4); after Colombo
and Jiang 1999).

A customer's transaction values vary around their own mean spend; that mean varies across
customers. Individual values are gamma(p, nu) and nu is gamma(q, v) across customers. Fitted on
the repeat customers' (x, mean repeat transaction value). It assumes spend is independent of
purchase frequency: `fit` reports their correlation so a reviewer can check.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from .fitting import FitSettings, FitStatus, compress, maximise_likelihood, repeat_customer_shortfall

PARAMETERS = ("p", "q", "v")


@dataclass(frozen=True)
class GammaGammaFit:
    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int
    frequency_spend_correlation: float
    status: FitStatus

    @property
    def params(self) -> tuple[float, float, float]:
        return self.p, self.q, self.v


def log_likelihood_per_customer(params: np.ndarray, x: np.ndarray, mean_value: np.ndarray) -> np.ndarray:
    """ln of the density of a customer's mean transaction value given x transactions."""
    p, q, v = params
    return (special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q) + q * np.log(v)
            + (p * x - 1) * np.log(mean_value) + p * x * np.log(x) - (p * x + q) * np.log(x * mean_value + v))


def fit(frequency: np.ndarray, monetary_value: np.ndarray, min_repeat_customers: int = 100,
        settings: FitSettings = FitSettings()) -> GammaGammaFit:
    """Maximum-likelihood (p, q, v) on the customers with repeat purchases and a positive mean,
    searched in log space inside the range of `settings`; the status says whether they can be
    used (fitting.py)."""
    frequency = np.asarray(frequency, dtype=float)
    monetary_value = np.asarray(monetary_value, dtype=float)
    used = (frequency > 0) & (monetary_value > 0)
    x, mean_value = frequency[used], monetary_value[used]
    varies = x.size > 2 and np.std(x) > 0 and np.std(mean_value) > 0
    correlation = float(np.corrcoef(x, mean_value)[0, 1]) if varies else float("nan")
    shortfall = repeat_customer_shortfall(x, min_repeat_customers)
    if shortfall is not None:
        return GammaGammaFit(*(np.nan,) * 4, customers=int(x.size), frequency_spend_correlation=correlation,
                             status=shortfall)
    (ux, um), weight = compress(x, mean_value)

    def negative_log_likelihood(log_params: np.ndarray) -> float:
        return -float(weight @ log_likelihood_per_customer(np.exp(log_params), ux, um))

    # p = q = 1 and v the mean spend: a population mean of the order of the data's
    start = np.log([1.0, 1.0, max(float(np.mean(mean_value)), settings.parameter_min)])
    log_params, status = maximise_likelihood("Gamma-Gamma", PARAMETERS, negative_log_likelihood, start, settings)
    p, q, v = np.exp(log_params)
    return GammaGammaFit(p, q, v, -negative_log_likelihood(log_params), int(x.size), correlation, status)


def expected_average_value(params: tuple[float, float, float], frequency: np.ndarray,
                           monetary_value: np.ndarray) -> np.ndarray:
    """E[mean transaction value | x, observed mean]: a weighted average of the population mean
    p*v/(q-1) and the customer's own mean, the weight growing with x. For a customer without
    repeat purchases it is the population mean."""
    p, q, v = params
    x = np.asarray(frequency, dtype=float)
    m = np.where(x > 0, np.asarray(monetary_value, dtype=float), 0.0)
    return p * (v + x * m) / (p * x + q - 1)
