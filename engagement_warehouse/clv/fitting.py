"""What the fitters share: the fit status and the weighting of identical customers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FitStatus:
    """converged, not_converged or insufficient_data, with a reason a reviewer can read."""

    status: str
    reason: str

    @property
    def is_fitted(self) -> bool:
        return self.status != "insufficient_data"

    @classmethod
    def converged(cls) -> "FitStatus":
        return cls("converged", "maximum likelihood found")

    @classmethod
    def not_converged(cls, message: str) -> "FitStatus":
        return cls("not_converged", f"the optimiser stopped: {message}")

    @classmethod
    def insufficient(cls, reason: str) -> "FitStatus":
        return cls("insufficient_data", reason)


def check_enough_repeat_customers(frequency: np.ndarray, min_repeat_customers: int) -> FitStatus:
    """Both purchase models learn from repeat customers: with fewer than `min_repeat_customers`
    the estimates are noise, so no fit is reported at all."""
    repeat = int((np.asarray(frequency) > 0).sum())
    if repeat < min_repeat_customers:
        return FitStatus.insufficient(
            f"{repeat} repeat customers, fewer than the {min_repeat_customers} a fit needs (var clv_min_repeat_customers)")
    return FitStatus("ready", "")


def compress(*columns: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The distinct rows of the columns and how often each occurs."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return tuple(unique[:, i] for i in range(unique.shape[1])), counts.astype(float)
