"""What the fitters share: the fit statuses and when a fit earns `converged`, the search in log
space between bounds, and the weighting of identical customers.

A fit is `converged` only when all of these hold (checked in this order, the first failure
gives the status and its reason; doc block fit_status in models/docs.md):
- enough data (`insufficient_data` otherwise, decided by each model before fitting);
- the log-likelihood at the end of the search is finite (`not_converged`);
- no parameter ends within `bound_tolerance` (relative) of the search range's bounds
  (`boundary`): the likelihood still rises towards a limit the model reaches only at 0 or
  infinity, so the numbers are where the search stopped, not estimates (checked before the
  optimiser's own verdict: an optimiser that runs out of steps on the way to a bound is told
  apart from one lost inside the range);
- the optimiser reports success (`not_converged`);
- the Hessian of the negative log-likelihood (in log-parameters, by central differences) is
  finite and positive definite (`not_converged`): otherwise the end point is not a maximum, or
  the data do not pin a parameter down (a flat ridge).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize

CONVERGED = "converged"
BOUNDARY = "boundary"
NOT_CONVERGED = "not_converged"
INSUFFICIENT_DATA = "insufficient_data"
FIT_STATUSES = (CONVERGED, BOUNDARY, NOT_CONVERGED, INSUFFICIENT_DATA)

# Step of the central differences of the Hessian, in log-parameters (a relative step of 0.1%):
# large enough that rounding in a likelihood summed over many customers does not swamp it.
HESSIAN_LOG_STEP = 1e-3


@dataclass(frozen=True)
class FitSettings:
    """The search range of every parameter (the same for each, positive) and how near a bound,
    relatively, counts as on it. Defaults: vars clv_fit_parameter_min, clv_fit_parameter_max and
    fit_bound_relative_tolerance of dbt_project.yml."""

    parameter_min: float = 1e-6
    parameter_max: float = 1e6
    bound_tolerance: float = 1e-3

    def __post_init__(self) -> None:
        if not 0 < self.parameter_min < self.parameter_max < math.inf:
            raise ValueError(f"the search range needs 0 < min < max: {self.parameter_min}, {self.parameter_max}")
        if not 0 < self.bound_tolerance < 1:
            raise ValueError(f"the bound tolerance is a relative distance between 0 and 1: {self.bound_tolerance}")

    @property
    def log_bounds(self) -> tuple[float, float]:
        return math.log(self.parameter_min), math.log(self.parameter_max)

    @classmethod
    def from_meta(cls, meta: dict) -> "FitSettings":
        """From a model's meta: clv_fit_parameter_min, clv_fit_parameter_max, fit_bound_relative_tolerance."""
        return cls(float(meta["clv_fit_parameter_min"]), float(meta["clv_fit_parameter_max"]),
                   float(meta["fit_bound_relative_tolerance"]))


@dataclass(frozen=True)
class FitStatus:
    """One of FIT_STATUSES, with a reason a reviewer can read."""

    status: str
    reason: str

    def __post_init__(self) -> None:
        if self.status not in FIT_STATUSES:
            raise ValueError(f"unknown fit status {self.status!r}")

    @property
    def has_estimates(self) -> bool:
        """Numbers came out of the optimiser (shown for review), whether or not they can be used."""
        return self.status != INSUFFICIENT_DATA

    @property
    def is_converged(self) -> bool:
        """The estimates can be used: predictions, segments and tiers are made from converged fits only."""
        return self.status == CONVERGED

    @classmethod
    def converged(cls) -> "FitStatus":
        return cls(CONVERGED, "maximum likelihood found inside the search range")

    @classmethod
    def insufficient(cls, reason: str) -> "FitStatus":
        return cls(INSUFFICIENT_DATA, reason)


def repeat_customer_shortfall(frequency: np.ndarray, min_repeat_customers: int) -> FitStatus | None:
    """Both purchase models learn from repeat customers: with fewer than `min_repeat_customers`
    the estimates are noise, so no fit is made at all."""
    repeat = int((np.asarray(frequency) > 0).sum())
    if repeat < min_repeat_customers:
        return FitStatus.insufficient(
            f"{repeat} repeat customers, fewer than the {min_repeat_customers} a fit needs (var clv_min_repeat_customers)")
    return None


def hessian(function: Callable[[np.ndarray], float], point: np.ndarray, step: float = HESSIAN_LOG_STEP) -> np.ndarray:
    """Central-difference Hessian of a scalar function."""
    point = np.asarray(point, dtype=float)
    size = point.size
    result = np.empty((size, size))
    unit = np.eye(size) * step
    centre = function(point)
    for i in range(size):
        result[i, i] = (function(point + unit[i]) - 2 * centre + function(point - unit[i])) / step ** 2
        for j in range(i):
            result[i, j] = result[j, i] = (
                function(point + unit[i] + unit[j]) - function(point + unit[i] - unit[j])
                - function(point - unit[i] + unit[j]) + function(point - unit[i] - unit[j])
            ) / (4 * step ** 2)
    return result


def assess(model: str, names: Sequence[str], log_params: np.ndarray, negative_log_likelihood: Callable,
           settings: FitSettings, success: bool = True, message: str = "") -> FitStatus:
    """The status of a fit that ended at `log_params` (see the module's docstring)."""
    value = negative_log_likelihood(log_params)
    if not np.isfinite(value) or not np.all(np.isfinite(log_params)):
        return FitStatus(NOT_CONVERGED, f"{model}: the log-likelihood at the end of the search is not finite")
    low, high = settings.log_bounds
    margin = math.log1p(settings.bound_tolerance)
    on_bound = []
    for name, log_value in zip(names, log_params):
        if log_value - low <= margin:
            on_bound.append(f"{name} = {math.exp(log_value):.2g} at the lower bound {settings.parameter_min:g}")
        elif high - log_value <= margin:
            on_bound.append(f"{name} = {math.exp(log_value):.2g} at the upper bound {settings.parameter_max:g}")
    if on_bound:
        return FitStatus(BOUNDARY, f"{model} parameter {'; '.join(on_bound)} of the search range: the likelihood "
                                   "still rises towards a limit of the model, the values are not estimates")
    if not success:
        return FitStatus(NOT_CONVERGED, f"{model}: the optimiser stopped without converging ({message})")
    curvature = hessian(negative_log_likelihood, log_params)
    if not np.all(np.isfinite(curvature)):
        return FitStatus(NOT_CONVERGED, f"{model}: the Hessian of the log-likelihood is not finite at the end point")
    eigenvalues, vectors = np.linalg.eigh(curvature)
    if eigenvalues[0] <= 0:
        direction = names[int(np.argmax(np.abs(vectors[:, 0])))]
        return FitStatus(NOT_CONVERGED, f"{model}: the Hessian is not positive definite (smallest eigenvalue "
                                        f"{eigenvalues[0]:.3g}, mostly along {direction}): not a maximum, or the "
                                        "data do not determine the parameters")
    return FitStatus.converged()


def maximise_likelihood(model: str, names: Sequence[str], negative_log_likelihood: Callable[[np.ndarray], float],
                        start: np.ndarray, settings: FitSettings) -> tuple[np.ndarray, FitStatus]:
    """Minimise a negative log-likelihood over log-parameters inside the search range: L-BFGS-B
    from `start`, polished by Nelder-Mead (robust where the surface is flat); returns the
    log-parameters and the fit's status."""
    bounds = [settings.log_bounds] * len(names)
    start = np.clip(np.asarray(start, dtype=float), *settings.log_bounds)
    first = optimize.minimize(negative_log_likelihood, start, method="L-BFGS-B", bounds=bounds)
    best = optimize.minimize(negative_log_likelihood, first.x, method="Nelder-Mead", bounds=bounds,
                             options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 20_000, "maxfev": 20_000})
    status = assess(model, names, best.x, negative_log_likelihood, settings, bool(best.success), str(best.message))
    return best.x, status


def compress(*columns: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The distinct rows of the columns and how often each occurs."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return tuple(unique[:, i] for i in range(unique.shape[1])), counts.astype(float)
