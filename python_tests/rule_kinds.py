"""The rules of the two guards as (model, columns, kind), so that a rule defined both as a dbt test
and as a Great Expectations expectation can be found (python_tests/test_project_structure.py).

Kinds: `not_null`, `unique` (one column or a combination), `in_set` (accepted values, or a
relationship to another model or seed), `range` (a bound on each value of a column: dbt's
amounts_are_not_negative and rates_are_between_0_and_1 on the columns they find by name, an
expression_is_true on one column, GX's expect_column_values_to_be_between), `pair` (one column
against another on each row: an expression_is_true comparing two columns, GX's
expect_column_pair_values_a_to_be_greater_than_b), `regex`, `row_count` (a mart's rows against
another model's) and `rule` (a query of the rows that break a business rule; it names no column, so
a GX rule is keyed on its mart alone). The distribution kinds of GX
(mean, median, quantiles, share of nulls, distinct values, drift) have no dbt counterpart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

# the project's convention tests find their columns by name (macros/tests/column_conventions.sql)
AMOUNT_PATTERN = re.compile(r"(^|_)(usd|local)(_|$)")
RATE_PATTERN = re.compile(r"_(rate|share)$")
NUMERIC_TYPES = ("int", "integer", "bigint", "smallint", "tinyint", "hugeint", "double", "float", "real",
                 "decimal", "numeric")
IDENTIFIER = r"[a-z_][a-z0-9_]*"
NUMBER = r"-?[0-9][0-9.e-]*"
# one conjunct of an expression_is_true: "x >= 0", "x between 0 and 1" (a range of x), "a <= b",
# "a between b and c" (pairs)
RANGE_CONJUNCT = re.compile(rf"^({IDENTIFIER})\s*(?:>=|>|<=|<|=)\s*{NUMBER}$|^({IDENTIFIER})\s+between\s+{NUMBER}\s+and\s+"
                            rf"(?:{NUMBER}|{IDENTIFIER})$")
PAIR_CONJUNCT = re.compile(rf"^({IDENTIFIER})\s*(?:>=|>|<=|<)\s*({IDENTIFIER})$")
PAIR_BETWEEN = re.compile(rf"^({IDENTIFIER})\s+between\s+({IDENTIFIER}|{NUMBER})\s+and\s+({IDENTIFIER}|{NUMBER})$")
NULL_ALLOWED = re.compile(rf"^(?:{IDENTIFIER} is null or )+|(?: or {IDENTIFIER} is null)+$")


def conjuncts(expression: str) -> list[str]:
    """The parts of an expression that must all hold: `x is null or ...` and `... or x is null`
    (a rule that lets nulls pass) and outer parentheses removed, then split on the top-level
    `and`s (not the `and` of a `between`). A top-level `or` leaves one conjunct no pattern matches."""
    text = " ".join(expression.lower().split())
    while True:
        stripped = NULL_ALLOWED.sub("", text).strip()
        if stripped.startswith("(") and stripped.endswith(")") and _balanced(stripped[1:-1]):
            stripped = stripped[1:-1].strip()
        if stripped == text:
            break
        text = stripped
    parts, depth, start, between = [], 0, 0, False
    for match in re.finditer(r"\(|\)|\bbetween\b|\band\b", text):
        token = match.group()
        if token in "()":
            depth += 1 if token == "(" else -1
        elif depth == 0 and token == "between":
            between = True
        elif depth == 0 and token == "and":
            if between:
                between = False
            else:
                parts.append(text[start:match.start()].strip())
                start = match.end()
    parts.append(text[start:].strip())
    return parts


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


GX_KINDS = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_column_values_to_be_unique": "unique",
    "expect_compound_columns_to_be_unique": "unique",
    "expect_column_values_to_be_in_set": "in_set",
    "expect_column_values_to_be_between": "range",
    "expect_column_pair_values_a_to_be_greater_than_b": "pair",
    "expect_column_values_to_match_regex": "regex",
    "expect_table_row_count_to_equal": "row_count",
    "expect_table_row_count_to_be_between": "row_count",
    "unexpected_rows_expectation": "rule",
}
DBT_KINDS = {
    "not_null": "not_null",
    "unique": "unique",
    "unique_combination_of_columns": "unique",
    "accepted_values": "in_set",
    "accepted_contract_values": "in_set",
    "relationships": "in_set",
    "row_count_compared": "row_count",
    "matches_regex": "regex",
}
STRUCTURAL = set(GX_KINDS.values())


@dataclass(frozen=True)
class RuleKey:
    model: str
    columns: tuple[str, ...]
    kind: str

    def __str__(self) -> str:
        return f"{self.model}.{','.join(self.columns) or '*'}: {self.kind}"


def _is_numeric(data_type: str | None) -> bool:
    return bool(data_type) and data_type.lower().split("(")[0].strip() in NUMERIC_TYPES


def dbt_rule_keys(manifest: dict[str, Any]) -> dict[RuleKey, str]:
    """Every generic dbt data test of a model as its rule key(s), each with the test's name."""
    keys: dict[RuleKey, str] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata") or not node.get("attached_node"):
            continue
        # the tests of a disabled model (a source adapter no var chooses) stay in the manifest's
        # nodes, disabled, while the model itself is under `disabled`
        if node["attached_node"] not in manifest["nodes"] and not node["config"].get("enabled", True):
            continue
        model = manifest["nodes"][node["attached_node"]]
        kwargs = node["test_metadata"].get("kwargs", {})
        for key in _dbt_test_keys(model, node["test_metadata"]["name"], kwargs,
                                  node.get("column_name") or kwargs.get("column_name")):
            keys[key] = node["name"]
    return keys


def _dbt_test_keys(model: dict[str, Any], test: str, kwargs: dict[str, Any], column: str | None) -> list[RuleKey]:
    name = model["name"]
    if test == "unique_combination_of_columns":
        return [RuleKey(name, tuple(sorted(kwargs["combination_of_columns"])), "unique")]
    if test in DBT_KINDS:
        return [RuleKey(name, (column,), DBT_KINDS[test])] if column else []
    if test in ("amounts_are_not_negative", "rates_are_between_0_and_1"):
        pattern = AMOUNT_PATTERN if test == "amounts_are_not_negative" else RATE_PATTERN
        exclude = set(kwargs.get("exclude") or [])
        columns = kwargs.get("columns") or [
            c for c, props in model["columns"].items()
            if pattern.search(c) and c not in exclude and _is_numeric(props.get("data_type"))]
        return [RuleKey(name, (c,), "range") for c in columns]
    if test == "expression_is_true":
        keys = []
        for part in conjuncts(str(kwargs.get("expression", ""))):
            if (match := PAIR_BETWEEN.match(part)):
                keys += [RuleKey(name, tuple(sorted((match[1], other))), "pair")
                         for other in (match[2], match[3]) if re.fullmatch(IDENTIFIER, other)]
            if (match := PAIR_CONJUNCT.match(part)):
                keys.append(RuleKey(name, tuple(sorted((match[1], match[2]))), "pair"))
            if (match := RANGE_CONJUNCT.match(part)):
                keys.append(RuleKey(name, (match[1] or match[2],), "range"))
        return keys
    return []


def gx_rule_keys(suites: Iterable[Any]) -> dict[RuleKey, str]:
    """Every structural expectation of the checkpoint's suites as its rule key, with a label."""
    keys: dict[RuleKey, str] = {}
    for suite in suites:
        for expectation in suite.all_expectations():
            kind = GX_KINDS.get(expectation.expectation_type)
            if kind is None:
                continue
            kwargs = expectation.configuration.kwargs
            if "column_list" in kwargs:
                columns = tuple(sorted(kwargs["column_list"]))
            elif "column_A" in kwargs:
                columns = tuple(sorted((kwargs["column_A"], kwargs["column_B"])))
            elif "column" in kwargs:
                columns = (kwargs["column"],)
            else:
                columns = ()
            keys[RuleKey(suite.mart, columns, kind)] = f"{suite.mart}: {expectation.expectation_type}"
    return keys


def overlaps(dbt: dict[RuleKey, str], gx: dict[RuleKey, str]) -> list[str]:
    """Each rule defined in both, as 'model.columns: kind (dbt test X; GX expectation Y)'."""
    return sorted(f"{key} (dbt test {dbt[key]}; GX {gx[key]})" for key in set(dbt) & set(gx))
