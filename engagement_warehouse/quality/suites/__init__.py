"""Expectation suites of the marts, kept as code: one module per folder of models/marts/.

The division of the guard (DECISIONS.md, README "Quality"): dbt tests own the structural rules
(keys, not-null, accepted values, relationships, amounts and rates by their names, invariants
between columns and models, row counts against other models); this checkpoint owns what dbt
tests do not express well - the distribution of each mart (value ranges of counts, scores and
dates, means, medians, shares of nulls), its drift against the previous checkpoint run (row
counts, means, category shares: drift.py) and the Data Docs profile a reviewer reads. No rule is
in both: python_tests/test_project_structure.py fails on one that is.

Each mart has a `MartSuite`: its grain (the primary key, which decides the sample; dbt tests it),
its categories (the columns whose mix of values drift.py compares with the previous run) and its
Great Expectations expectations, plain GX 1.x objects built with the helpers below.

Severity is GX's own `severity` field of each expectation:

- `ERROR` (GX `critical`, GX's default): a value outside what the column can hold (a count below
  0, a score above 10, a date before 2000 or after the run). A failure makes the checkpoint exit
  non-zero.
- `WARNING` (GX `warning`): drift - a fitted model far from its assumptions, the means, medians
  and shares of the retailer's own settings (`quality_expectations.yml`, see ../settings.py) and
  the changes since the previous run (drift.py), which `registry()` and the checkpoint add to
  each mart's suite. Reported, in the summary and Data Docs; the exit code stays 0.

Only ranges true of any retailer are written here: no bound that describes the demo data set.
Every expectation holds on an empty mart: the checkpoint skips a mean, median, share or distinct
count of a mart with no rows (of a column with no values, for a mean or median), reporting it as
passed and skipped.

Business rules (an invariant between columns, rows or models, written as the query of the rows
that break it) are dbt's too: expression_is_true tests and singular tests in tests/. The
checkpoint's only queries are drift's category shares.

Values known only at run time are GX suite parameters (`{"$PARAMETER": name}`), computed by the
checkpoint: `NOW` the time of the run (UTC, for "not in the future").
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


@dataclass(frozen=True)
class MartSuite:
    mart: str
    grain: tuple[str, ...]
    expectations: tuple[Expectation, ...]
    categories: tuple[str, ...] = ()

    def all_expectations(self) -> list[Expectation]:
        """The suite's expectations (fresh copies: GX binds an expectation to the suite it is
        added to). The grain's keys are dbt's tests, not expectations here."""
        return [e.copy(deep=True) for e in self.expectations]


# --- helpers: one GX expectation (or a few) per call, severity explicit where it is a warning ---

def between(column: str, min_value=None, max_value=None, severity: FailureSeverity = ERROR,
            **kwargs) -> Expectation:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=min_value, max_value=max_value,
                                             severity=severity, **kwargs)


def at_least_zero(*columns: str) -> list[Expectation]:
    return [between(column, min_value=0) for column in columns]


def timestamps(*columns: str) -> list[Expectation]:
    """Dates and timestamps from EARLIEST_DATE up to the run: none in the future."""
    return [between(column, EARLIEST_DATE, NOW) for column in columns]


def registry(settings_path: Path | None = None) -> list[MartSuite]:
    """Every mart's suite, in the order of models/marts/ folders, with the bounds of the settings
    file (`settings.settings_path()` unless given) added to its mart's suite."""
    from . import attribution, customers, engagement, experiments, feedback, marketing, retention, value

    suites = [*customers.SUITES, *retention.SUITES, *feedback.SUITES, *marketing.SUITES, *engagement.SUITES,
              *attribution.SUITES, *value.SUITES, *experiments.SUITES]
    bounds = settings.load(settings_path)
    unknown = set(bounds) - {suite.mart for suite in suites}
    if unknown:
        raise settings.SettingsError(f"{settings_path or settings.settings_path()}: no mart named "
                                     f"{', '.join(sorted(unknown))}")
    return [replace(suite, expectations=(*suite.expectations, *[b.expectation() for b in bounds.get(suite.mart, [])]))
            for suite in suites]
