"""The calendar of the demo data: its date range, growth and the jewellery seasons.

Purchases are simulated in "business time", in which demand is constant; mapping business time
back to calendar time through the cumulative seasonal intensity puts more orders into Mother's
Day, Black Friday and Christmas without a loop over days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import numpy as np

from .markets import SEASONAL_PEAKS

DAY = 86_400.0


def to_epoch_seconds(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


@dataclass
class Timeline:
    start: date
    end: date  # exclusive: the data covers start .. end - 1 day

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"end date {self.end} must be after start date {self.start}")
        self.start_s = to_epoch_seconds(self.start)
        self.end_s = to_epoch_seconds(self.end)
        self.n_days = int(round((self.end_s - self.start_s) / DAY))
        days = np.arange(self.n_days)
        dates = np.datetime64(self.start.isoformat(), "D") + days
        months = dates.astype("datetime64[M]").astype(int) % 12 + 1
        day_of_month = (dates - dates.astype("datetime64[M]")).astype(int) + 1
        season = np.ones(self.n_days)
        for (month, first, last), weight in SEASONAL_PEAKS:
            season[(months == month) & (day_of_month >= first) & (day_of_month <= last)] = weight
        self.season = season
        # cumulative intensity at each day boundary, normalised to a mean of 1 per day
        cumulative = np.concatenate([[0.0], np.cumsum(season)])
        self.cumulative = cumulative * (self.n_days / cumulative[-1])
        self.boundaries = self.start_s + np.arange(self.n_days + 1) * DAY

    def to_business(self, t: np.ndarray) -> np.ndarray:
        """Calendar seconds -> business days (seasonally weighted)."""
        return np.interp(t, self.boundaries, self.cumulative)

    def to_calendar(self, u: np.ndarray) -> np.ndarray:
        """Business days -> calendar seconds; beyond the range, one business day is one day."""
        inside = np.interp(u, self.cumulative, self.boundaries)
        return np.where(u > self.cumulative[-1], self.end_s + (u - self.cumulative[-1]) * DAY, inside)

    def sample_times(self, rng: np.random.Generator, n: int, growth: float = 1.0) -> np.ndarray:
        """n calendar times drawn from the seasonal intensity times a linear growth trend
        (growth = intensity at the end relative to the start)."""
        trend = np.linspace(1.0, growth, self.n_days)
        weights = self.season * trend
        cdf = np.cumsum(weights)
        cdf /= cdf[-1]
        day_index = np.searchsorted(cdf, rng.random(n), side="right")
        return self.start_s + (day_index + rng.random(n)) * DAY
