"""The retailer's own distribution bounds: `quality_expectations.yml` at the project root.

The suites (suites/) hold only rules that are true of any retailer: keys unique and not null,
rates from 0 to 1, credits adding up to 1, marts reconciling with staging. How a business's data
is distributed (its share of coupon orders, its repeat rate, its average order value) is not a
rule: a bound that fits the demo data set flags a real retailer's healthy data. Such bounds are
settings, kept in one YAML file beside dbt_project.yml so that whoever deploys the warehouse
finds and edits them in the project, not in Python code:

    fct_orders:
      - expectation: mean            # mean, median, share_not_null or distinct_values
        column: has_coupon
        min: 0                       # null: no bound on that side (one side at least)
        max: 1
        meaning: Share of orders placed with a coupon.

Each entry becomes one GX expectation of severity warning on that mart (a drift to look at,
not a broken rule: the exit code stays 0), with its meaning as the expectation's notes in Data
Docs. The shipped defaults hold for any retailer (a share from 0 to 1, an amount from 0 up);
narrow them to what is normal for yours to be warned when it changes. Comments in the file give
the demo data set's bounds.

The same file's `drift` entry holds the tolerances of the comparison with the previous run
(drift.py): how far a mart's row count and means may move, relative, and a category's share of
rows, in points, before the checkpoint warns.

    drift: {row_count: 0.5, mean: 0.5, share: 0.1}

Why a YAML file and not a dbt var in dbt_project.yml: the checkpoint runs after dbt, on the
built warehouse, and never renders the dbt project; dbt_project.yml is dbt's, whose vars the
models read. A file of its own keeps the checkpoint's settings where the checkpoint alone reads
them, with room for a meaning per bound. `QUALITY_EXPECTATIONS` (a path) points the checkpoint
at another file, e.g. a deployment's own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import great_expectations.expectations as gxe
import yaml
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.metadata_types import FailureSeverity

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_PATH = PROJECT_DIR / "quality_expectations.yml"
ENV_VAR = "QUALITY_EXPECTATIONS"

KINDS = {
    "mean": gxe.ExpectColumnMeanToBeBetween,
    "median": gxe.ExpectColumnMedianToBeBetween,
    "share_not_null": gxe.ExpectColumnProportionOfNonNullValuesToBeBetween,
    "distinct_values": gxe.ExpectColumnUniqueValueCountToBeBetween,
}
KEYS = {"expectation", "column", "min", "max", "meaning"}
DRIFT_KEY = "drift"
DRIFT_KEYS = {"row_count", "mean", "share"}


class SettingsError(Exception):
    """The settings file is missing or one of its entries is wrong (one line, naming both)."""


@dataclass(frozen=True)
class Bound:
    mart: str
    kind: str
    column: str
    min_value: float | None
    max_value: float | None
    meaning: str

    def expectation(self) -> Expectation:
        return KINDS[self.kind](column=self.column, min_value=self.min_value, max_value=self.max_value,
                                severity=FailureSeverity.WARNING,
                                notes=f"{self.meaning} (setting of {DEFAULT_PATH.name})")


@dataclass(frozen=True)
class DriftTolerances:
    """How far a figure may move since the previous run: row count and means relative, shares in points."""
    row_count: float = 0.5
    mean: float = 0.5
    share: float = 0.1


def settings_path() -> Path:
    return Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else DEFAULT_PATH


def load(path: Path | None = None) -> dict[str, list[Bound]]:
    """Every mart's configured bounds, checked: a wrong entry is a SettingsError naming it."""
    path = path or settings_path()
    raw = _read(path)
    bounds: dict[str, list[Bound]] = {}
    for mart, entries in raw.items():
        if mart == DRIFT_KEY:
            continue
        if not isinstance(entries, list):
            raise SettingsError(f"{path}: {mart}: expected a list of bounds")
        bounds[mart] = [_bound(path, mart, i, entry) for i, entry in enumerate(entries, start=1)]
    return bounds


def drift_tolerances(path: Path | None = None) -> DriftTolerances:
    """The `drift` entry of the settings (the defaults of DriftTolerances where it is absent)."""
    path = path or settings_path()
    entry = _read(path).get(DRIFT_KEY) or {}
    where = f"{path}: {DRIFT_KEY}"
    if not isinstance(entry, dict) or set(entry) - DRIFT_KEYS:
        raise SettingsError(f"{where}: expected a mapping with {', '.join(sorted(DRIFT_KEYS))}")
    for name, value in entry.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise SettingsError(f"{where}: {name} must be a number from 0 up, not {value!r}")
    return DriftTolerances(**{name: float(value) for name, value in entry.items()})


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise SettingsError(f"{path}: cannot read the quality settings: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise SettingsError(f"{path}: not valid YAML: {' '.join(str(error).split())}") from None
    if not isinstance(raw, dict):
        raise SettingsError(f"{path}: expected a mapping of mart names to lists of bounds")
    return raw


def _bound(path: Path, mart: str, number: int, entry: Any) -> Bound:
    where = f"{path}: {mart}, bound {number}"
    if not isinstance(entry, dict):
        raise SettingsError(f"{where}: expected a mapping with {', '.join(sorted(KEYS))}")
    where += f" ({entry.get('expectation')} of {entry.get('column')})"
    unknown = set(entry) - KEYS
    if unknown:
        raise SettingsError(f"{where}: unknown key {', '.join(sorted(unknown))}")
    if entry.get("expectation") not in KINDS:
        raise SettingsError(f"{where}: expectation must be one of {', '.join(KINDS)}")
    if not isinstance(entry.get("column"), str) or not str(entry.get("meaning") or "").strip():
        raise SettingsError(f"{where}: a column and a meaning are required")
    low, high = entry.get("min"), entry.get("max")
    for name, value in (("min", low), ("max", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise SettingsError(f"{where}: {name} must be a number or null, not {value!r}")
    if low is None and high is None:
        raise SettingsError(f"{where}: set min, max or both")
    if low is not None and high is not None and low > high:
        raise SettingsError(f"{where}: min {low} is greater than max {high}")
    return Bound(mart, entry["expectation"], entry["column"], low, high, " ".join(entry["meaning"].split()))
