"""Expectation suites of the marts, kept as code: one module per folder of models/marts/.

Each mart has a `MartSuite`: its grain (the primary key, which gets a not-null and a uniqueness
expectation of its own and decides the sample) and its Great Expectations expectations, plain
GX 1.x objects built with the helpers below.

Severity is GX's own `severity` field of each expectation:

- `ERROR` (GX `critical`, GX's default): structural truths - keys, value ranges, allowed values,
  row counts against staging, business rules. A failure makes the checkpoint exit non-zero.
- `WARNING` (GX `warning`): drift - a fitted model that did not converge, and the means,
  medians and shares of the retailer's own settings (`quality_expectations.yml`, see
  ../settings.py), which `registry()` adds to each mart's suite. Reported, in the summary and
  Data Docs; the exit code stays 0.

Only rules true of any retailer are written here: no bound that describes the demo data set.
Every expectation holds on an empty mart (a retailer with no events, feedback or marketing spend
has empty marts): a row count asks for rows only where its source has rows (`any_rows_of`), and
the checkpoint skips a mean, median, share or distinct count of a mart with no rows (of a
column with no values, for a mean or median), reporting it as passed and skipped.

Values known only at run time are GX suite parameters (`{"$PARAMETER": name}`), computed by the
checkpoint from the warehouse: `rows_of(model)` is the row count of a staging, intermediate or
mart model, `any_rows_of(model)` 1 when it has rows and 0 when it has none, `NOW` the time of
the run (UTC, for "not in the future").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.metadata_types import FailureSeverity

from .. import settings

ERROR = FailureSeverity.CRITICAL
WARNING = FailureSeverity.WARNING

NOW = {"$PARAMETER": "now"}
# No date or timestamp of the shop is older: a value before it is a parsing or unit error.
EARLIEST_DATE = dt.datetime(2000, 1, 1)


def rows_of(model: str) -> dict[str, str]:
    """Suite parameter: rows of a model of the warehouse (staging, intermediate or marts)."""
    return {"$PARAMETER": f"rows_of_{model}"}


def any_rows_of(model: str) -> dict[str, str]:
    """Suite parameter: 1 when the model has rows, else 0 (the least rows a mart built from it has)."""
    return {"$PARAMETER": f"any_rows_of_{model}"}


@dataclass(frozen=True)
class MartSuite:
    mart: str
    grain: tuple[str, ...]
    expectations: tuple[Expectation, ...]

    def all_expectations(self) -> list[Expectation]:
        """The grain's not-null and uniqueness expectations, then the suite's own (fresh copies:
        GX binds an expectation to the suite it is added to)."""
        key = [gxe.ExpectColumnValuesToNotBeNull(column=column, severity=ERROR) for column in self.grain]
        if len(self.grain) == 1:
            key.append(gxe.ExpectColumnValuesToBeUnique(column=self.grain[0], severity=ERROR))
        else:
            key.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(self.grain), severity=ERROR))
        return key + [e.copy(deep=True) for e in self.expectations]


# --- helpers: one GX expectation (or a few) per call, severity explicit where it is a warning ---

def row_count_equals(model: str) -> Expectation:
    return gxe.ExpectTableRowCountToEqual(value=rows_of(model), severity=ERROR)


def row_count_between(min_value: int | dict = 1, max_value: int | dict | None = None) -> Expectation:
    return gxe.ExpectTableRowCountToBeBetween(min_value=min_value, max_value=max_value, severity=ERROR)


def not_null(*columns: str) -> list[Expectation]:
    return [gxe.ExpectColumnValuesToNotBeNull(column=column, severity=ERROR) for column in columns]


def between(column: str, min_value=None, max_value=None, severity: FailureSeverity = ERROR,
            **kwargs) -> Expectation:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=min_value, max_value=max_value,
                                             severity=severity, **kwargs)


def at_least_zero(*columns: str) -> list[Expectation]:
    return [between(column, min_value=0) for column in columns]


def rates(*columns: str) -> list[Expectation]:
    """Shares from 0 to 1 (null where the denominator is 0)."""
    return [between(column, 0, 1) for column in columns]


def timestamps(*columns: str) -> list[Expectation]:
    """Dates and timestamps from EARLIEST_DATE up to the run: none in the future."""
    return [between(column, EARLIEST_DATE, NOW) for column in columns]


def one_of(column: str, values: list, severity: FailureSeverity = ERROR) -> Expectation:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values, severity=severity)


def not_less_than(column: str, other: str) -> Expectation:
    """column >= other on every row where both have a value."""
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A=column, column_B=other, or_equal=True,
                                                       ignore_row_if="either_value_is_missing", severity=ERROR)


def rule(description: str, unexpected_rows_query: str, severity: FailureSeverity = ERROR) -> Expectation:
    """A business rule as the query of the rows that break it ({batch} is the mart): runs in DuckDB."""
    return gxe.UnexpectedRowsExpectation(description=description, unexpected_rows_query=unexpected_rows_query,
                                         severity=severity)


def registry(settings_path: Path | None = None) -> list[MartSuite]:
    """Every mart's suite, in the order of models/marts/ folders, with the bounds of the settings
    file (`settings.settings_path()` unless given) added to its mart's suite."""
    from . import attribution, customers, engagement, feedback, marketing, retention, value

    suites = [*customers.SUITES, *retention.SUITES, *feedback.SUITES, *marketing.SUITES, *engagement.SUITES,
              *attribution.SUITES, *value.SUITES]
    bounds = settings.load(settings_path)
    unknown = set(bounds) - {suite.mart for suite in suites}
    if unknown:
        raise settings.SettingsError(f"{settings_path or settings.settings_path()}: no mart named "
                                     f"{', '.join(sorted(unknown))}")
    return [replace(suite, expectations=(*suite.expectations, *[b.expectation() for b in bounds.get(suite.mart, [])]))
            for suite in suites]
