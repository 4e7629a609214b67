"""Expectations evaluated in DuckDB on the full table, reported as GX results.

`source.runs_in_duckdb` sends here what a sample cannot prove (row counts, uniqueness of the
grain, error-severity checks on single rows when the mart was sampled) and every
`UnexpectedRowsExpectation` (business rules written as a query that returns the rows breaking
them; `{batch}` stands for the mart). Each expectation is translated to SQL with GX's semantics
(nulls are missing values and not unexpected, `mostly`, `strict_min` / `strict_max`,
`or_equal`, `ignore_row_if`) and the outcome is an `ExpectationValidationResult` holding counts
only, as GX's SUMMARY format does with no unexpected values listed, so that the checkpoint
summary and Data Docs show it beside the results GX computed.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any, Callable

import duckdb
from great_expectations.core import ExpectationValidationResult
from great_expectations.expectations import (
    ExpectColumnPairValuesAToBeGreaterThanB,
    ExpectColumnValuesToBeBetween,
    ExpectColumnValuesToBeInSet,
    ExpectColumnValuesToBeUnique,
    ExpectColumnValuesToMatchRegex,
    ExpectColumnValuesToNotBeNull,
    ExpectCompoundColumnsToBeUnique,
    ExpectTableRowCountToBeBetween,
    ExpectTableRowCountToEqual,
    UnexpectedRowsExpectation,
)
from great_expectations.expectations.expectation import Expectation

EVALUATED_IN_DUCKDB = {"evaluated_by": "duckdb", "scope": "full table"}

# Expectations on single rows: predicates of one scan of the table.
ROW_LEVEL = (
    ExpectColumnValuesToNotBeNull,
    ExpectColumnValuesToBeBetween,
    ExpectColumnValuesToBeInSet,
    ExpectColumnValuesToMatchRegex,
    ExpectColumnPairValuesAToBeGreaterThanB,
)
SUPPORTED = (
    *ROW_LEVEL,
    ExpectColumnValuesToBeUnique,
    ExpectCompoundColumnsToBeUnique,
    ExpectTableRowCountToEqual,
    ExpectTableRowCountToBeBetween,
    UnexpectedRowsExpectation,
)


def supports(expectation: Expectation) -> bool:
    return isinstance(expectation, SUPPORTED)


def evaluate(con: duckdb.DuckDBPyConnection, table: str, expectations: list[Expectation],
             parameters: dict[str, Any]) -> list[ExpectationValidationResult]:
    """Evaluate expectations on `table`; single-row checks share one scan."""
    results: dict[int, ExpectationValidationResult] = {}
    row_level = [(i, e) for i, e in enumerate(expectations) if isinstance(e, ROW_LEVEL)]
    if row_level:
        results.update(_row_level(con, table, row_level, parameters))
    for i, expectation in enumerate(expectations):
        if i in results:
            continue
        evaluator = _TABLE_LEVEL.get(type(expectation))
        if evaluator is None:
            raise TypeError(f"{type(expectation).__name__} cannot be evaluated in DuckDB")
        results[i] = _guarded(expectation, parameters, lambda e=expectation: evaluator(con, table, e, parameters))
    return [results[i] for i in range(len(expectations))]


# --- single-row checks -------------------------------------------------------------------------

def _row_predicates(expectation: Expectation, parameters: dict[str, Any]) -> tuple[str, str]:
    """(missing, unexpected) predicates of a single-row expectation, GX's semantics."""
    if isinstance(expectation, ExpectColumnValuesToNotBeNull):
        column = quote(expectation.column)
        return "false", f"{column} is null"
    if isinstance(expectation, ExpectColumnValuesToBeBetween):
        column = quote(expectation.column)
        low, high = resolve(expectation.min_value, parameters), resolve(expectation.max_value, parameters)
        bounds = []
        if low is not None:
            bounds.append(f"{column} {'>' if expectation.strict_min else '>='} {literal(low)}")
        if high is not None:
            bounds.append(f"{column} {'<' if expectation.strict_max else '<='} {literal(high)}")
        inside = " and ".join(bounds) or "true"
        return f"{column} is null", f"{column} is not null and not ({inside})"
    if isinstance(expectation, ExpectColumnValuesToBeInSet):
        column = quote(expectation.column)
        values = ", ".join(literal(v) for v in resolve(expectation.value_set, parameters))
        return f"{column} is null", f"{column} is not null and {column} not in ({values})"
    if isinstance(expectation, ExpectColumnValuesToMatchRegex):
        # GX's pandas engine searches (re.search); so does regexp_matches (RE2 syntax)
        column = quote(expectation.column)
        pattern = literal(resolve(expectation.regex, parameters))
        return f"{column} is null", f"{column} is not null and not regexp_matches({column}, {pattern})"
    if isinstance(expectation, ExpectColumnPairValuesAToBeGreaterThanB):
        a, b = quote(expectation.column_A), quote(expectation.column_B)
        missing = {
            "both_values_are_missing": f"{a} is null and {b} is null",
            "either_value_is_missing": f"({a} is null or {b} is null)",
            "neither": "false",
        }[str(expectation.ignore_row_if)]
        operator = ">=" if expectation.or_equal else ">"
        return missing, f"not ({missing}) and not coalesce({a} {operator} {b}, false)"
    raise TypeError(f"{type(expectation).__name__} is not a single-row expectation")


def _row_level(con: duckdb.DuckDBPyConnection, table: str, items: list[tuple[int, Expectation]],
               parameters: dict[str, Any]) -> dict[int, ExpectationValidationResult]:
    predicates = [(i, e, *_row_predicates(e, parameters)) for i, e in items]
    select = ", ".join(
        f"count(*) filter (where {missing}), count(*) filter (where {unexpected})"
        for _, _, missing, unexpected in predicates
    )
    try:
        row = con.execute(f"select count(*), {select} from {table}").fetchone()
    except duckdb.Error:
        if len(items) == 1:
            raise
        # one bad column must not hide the others: evaluate one by one to isolate the error
        return {i: _guarded(e, parameters, lambda i=i, e=e: _row_level(con, table, [(i, e)], parameters)[i])
                for i, e in items}
    elements = row[0]
    results = {}
    for k, (i, expectation, _, _) in enumerate(predicates):
        missing, unexpected = row[1 + 2 * k], row[2 + 2 * k]
        results[i] = _map_result(expectation, parameters, elements, missing, unexpected)
    return results


def _map_result(expectation: Expectation, parameters: dict[str, Any], elements: int, missing: int,
                unexpected: int) -> ExpectationValidationResult:
    nonmissing = elements - missing
    mostly = expectation.mostly if getattr(expectation, "mostly", None) is not None else 1.0
    success = nonmissing == 0 or (nonmissing - unexpected) / nonmissing >= mostly
    result: dict[str, Any] = {
        "element_count": elements,
        "unexpected_count": unexpected,
        "unexpected_percent": _percent(unexpected, nonmissing),
        "partial_unexpected_list": [],
    }
    if not isinstance(expectation, ExpectColumnValuesToNotBeNull):
        result.update({
            "missing_count": missing,
            "missing_percent": _percent(missing, elements),
            "unexpected_percent_total": _percent(unexpected, elements),
            "unexpected_percent_nonmissing": _percent(unexpected, nonmissing),
        })
    return _result(expectation, parameters, success, result)


# --- whole-table checks ------------------------------------------------------------------------

def _row_count(con, table, expectation, parameters) -> ExpectationValidationResult:
    rows = con.execute(f"select count(*) from {table}").fetchone()[0]
    if isinstance(expectation, ExpectTableRowCountToEqual):
        success = rows == resolve(expectation.value, parameters)
    else:
        low, high = resolve(expectation.min_value, parameters), resolve(expectation.max_value, parameters)
        success = (low is None or rows >= low) and (high is None or rows <= high)
    return _result(expectation, parameters, success, {"observed_value": rows})


def _unique(con, table, expectation, parameters) -> ExpectationValidationResult:
    if isinstance(expectation, ExpectColumnValuesToBeUnique):
        columns = [expectation.column]
        ignored = f"{quote(expectation.column)} is null"
    else:
        columns = list(expectation.column_list)
        ignore = str(expectation.ignore_row_if)
        joiner = {"all_values_are_missing": " and ", "any_value_is_missing": " or "}.get(ignore)
        ignored = joiner.join(f"{quote(c)} is null" for c in columns) if joiner else "false"
    keys = ", ".join(quote(c) for c in columns)
    elements, missing = con.execute(f"select count(*), count(*) filter (where {ignored}) from {table}").fetchone()
    unexpected = con.execute(f"""
        select coalesce(sum(n), 0) from (
            select count(*) as n from {table} where not ({ignored}) group by {keys} having count(*) > 1
        )
    """).fetchone()[0]
    return _map_result(expectation, parameters, int(elements), int(missing), int(unexpected))


def _unexpected_rows(con, table, expectation, parameters) -> ExpectationValidationResult:
    query = expectation.unexpected_rows_query.replace("{batch}", table)
    rows = con.execute(f"select count(*) from ({query}) as unexpected_rows").fetchone()[0]
    return _result(expectation, parameters, rows == 0, {"observed_value": rows})


_TABLE_LEVEL: dict[type, Callable[..., ExpectationValidationResult]] = {
    ExpectTableRowCountToEqual: _row_count,
    ExpectTableRowCountToBeBetween: _row_count,
    ExpectColumnValuesToBeUnique: _unique,
    ExpectCompoundColumnsToBeUnique: _unique,
    UnexpectedRowsExpectation: _unexpected_rows,
}


# --- results -----------------------------------------------------------------------------------

def failed_result(expectation: Expectation, parameters: dict[str, Any], message: str) -> ExpectationValidationResult:
    """The result of an expectation that could not be evaluated (a missing mart or column)."""
    return _result(expectation, parameters, False, {}, exception=message)


def skipped_result(expectation: Expectation, parameters: dict[str, Any], reason: str) -> ExpectationValidationResult:
    """A vacuous pass: an aggregate with nothing to measure (an empty table), the reason in meta."""
    result = _result(expectation, parameters, True, {"observed_value": None})
    result.meta = {"evaluated_by": "checkpoint", "skipped": reason}
    return result


def _result(expectation: Expectation, parameters: dict[str, Any], success: bool, result: dict[str, Any],
            exception: str | None = None) -> ExpectationValidationResult:
    config = copy.deepcopy(expectation.configuration)
    config.kwargs.update({k: resolve(v, parameters) for k, v in config.kwargs.items()
                          if not isinstance(v, dict) or v.get("$PARAMETER") in parameters})
    return ExpectationValidationResult(
        success=bool(success),
        expectation_config=config,
        result=result,
        meta=dict(EVALUATED_IN_DUCKDB),
        exception_info={"raised_exception": exception is not None, "exception_traceback": exception,
                        "exception_message": exception},
    )


def _guarded(expectation: Expectation, parameters: dict[str, Any],
             run: Callable[[], ExpectationValidationResult]) -> ExpectationValidationResult:
    """A failing query is a failed expectation with its message, not a crash of the checkpoint."""
    try:
        return run()
    except (duckdb.Error, KeyError) as error:
        return _result(expectation, parameters, False, {}, exception=f"{type(error).__name__}: {error}")


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def resolve(value: Any, parameters: dict[str, Any]) -> Any:
    """A `{"$PARAMETER": name}` value replaced by the run's parameter of that name."""
    if isinstance(value, dict) and "$PARAMETER" in value:
        return parameters[value["$PARAMETER"]]
    return value


def literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, dt.datetime):
        return f"timestamp '{value.replace(tzinfo=None).isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r}")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
