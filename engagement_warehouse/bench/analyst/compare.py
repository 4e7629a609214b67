"""Equality of a baseline's results with the marts: the same rows (by key), counts exactly equal,
rates within 1e-12, days exactly equal, money to the cent (less than half a cent apart)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..measure import BenchError
from .inputs import COHORT_COLUMNS, COHORT_KEYS, RFM_COLUMNS, RFM_KEYS

RATE_TOLERANCE = 1e-12
MONEY_TOLERANCE = 0.005


class BaselineMismatch(BenchError):
    """A baseline's numbers differ from the marts'."""


@dataclass(frozen=True)
class Result:
    label: str
    mart: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    # column -> largest allowed absolute difference (0: exactly equal)
    tolerances: dict[str, float]
    dtypes: dict[str, str]


COHORT_MATRIX = Result(
    "cohort matrix", "marts.cohort_retention (segment all, monthly cohorts)", COHORT_KEYS, COHORT_COLUMNS,
    {"cohort_size": 0, "active_customers": 0, "retention_rate": RATE_TOLERANCE},
    {"cohort_start": "datetime64[s]", "period_number": "int64", "cohort_size": "int64", "active_customers": "int64",
     "retention_rate": "float64"})
RFM = Result(
    "RFM summary", "marts.customer_rfm", RFM_KEYS, RFM_COLUMNS,
    {"frequency": 0, "recency": 0, "T": 0, "monetary_value": MONEY_TOLERANCE},
    {"person_key": "object", "frequency": "int64", "recency": "float64", "T": "float64", "monetary_value": "float64"})


def to_pandas(frame: object, result: Result) -> pd.DataFrame:
    """A pandas, polars or Arrow result as one pandas frame with comparable dtypes."""
    if not isinstance(frame, pd.DataFrame):
        frame = frame.to_pandas()  # type: ignore[attr-defined]
    frame = frame[list(result.columns)].copy()
    for column, dtype in result.dtypes.items():
        frame[column] = (pd.to_datetime(frame[column]).astype(dtype) if dtype.startswith("datetime")
                         else frame[column].astype(dtype))
    return frame


def mismatches(expected: pd.DataFrame, actual: pd.DataFrame, result: Result) -> list[str]:
    """What differs, one sentence each with the first example; empty when equal."""
    keys = list(result.keys)
    problems = []
    for name, frame in (("the mart", expected), ("the baseline", actual)):
        duplicated = frame.duplicated(keys).sum()
        if duplicated:
            problems.append(f"{duplicated} duplicate keys in {name}")
    joined = expected.merge(actual, on=keys, how="outer", suffixes=("_mart", "_baseline"), indicator=True)
    for side, words in (("left_only", "only in the mart"), ("right_only", "only in the baseline")):
        rows = joined.loc[joined["_merge"] == side]
        if len(rows):
            problems.append(f"{len(rows)} of {len(joined)} rows {words} (first: {_key(rows.iloc[0], keys)})")
    both = joined.loc[joined["_merge"] == "both"]
    for column, tolerance in result.tolerances.items():
        mart, baseline = both[f"{column}_mart"].to_numpy(), both[f"{column}_baseline"].to_numpy()
        differs = ~(np.abs(mart.astype("float64") - baseline.astype("float64")) <= tolerance)
        differs &= ~(pd.isna(mart) & pd.isna(baseline))
        if differs.any():
            first = both.loc[differs].iloc[0]
            problems.append(
                f"{int(differs.sum())} of {len(both)} rows differ in {column} "
                f"({'exactly equal' if tolerance == 0 else f'tolerance {tolerance:g}'}; first: {_key(first, keys)}: "
                f"mart {first[f'{column}_mart']}, baseline {first[f'{column}_baseline']})")
    return problems


def check(engine: str, expected: pd.DataFrame, actual: object, result: Result) -> int:
    """Raises BaselineMismatch naming the engine, the result, the mart and what differs; returns
    the number of rows compared."""
    try:
        comparable = to_pandas(actual, result)
    except (KeyError, TypeError, ValueError) as error:  # a missing column, a null count, ...
        raise BaselineMismatch(f"the {engine} {result.label} cannot be compared with {result.mart}: "
                               f"{type(error).__name__}: {error}") from error
    problems = mismatches(expected, comparable, result)
    if problems:
        raise BaselineMismatch(f"the {engine} {result.label} differs from {result.mart}: " + "; ".join(problems))
    return len(expected)


def _key(row: pd.Series, keys: list[str]) -> str:
    return ", ".join(f"{key} {row[key].date() if isinstance(row[key], pd.Timestamp) else row[key]}" for key in keys)
