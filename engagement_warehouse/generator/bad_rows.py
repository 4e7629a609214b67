"""Bad rows: a share of each raw table broken on purpose, one rule at a time.

Each kind breaks one rule of the raw data contract that staging must catch (the kind names are
the rule names audit_rejected_rows reports), or adds an older or re-delivered copy of a row that
staging must collapse. A break changes one or more output columns for the rows chosen for it, in
the simulation's units (cents, epoch seconds) before the columns are encoded: None makes the
value null, a string replaces the text, a number replaces the value, a function maps the value
to its broken form. The typed Parquet output can only carry the breaks its types allow; text-only
breaks (an unparseable timestamp, a non-numeric amount) are covered by the staging tests with
crafted CSV files.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np

from .timeline import DAY, to_epoch_seconds

DUPLICATE = "duplicate"
FAR_FUTURE_S = to_epoch_seconds(date(2099, 1, 1))
# None (null), a text, a number, or a function of the column's values
Change = None | str | float | Callable[[np.ndarray], np.ndarray]


def negated(cents: np.ndarray) -> np.ndarray:
    return -cents


def negated_less_a_cent(cents: np.ndarray) -> np.ndarray:
    return -cents - 1


def plus_one_unit(cents: np.ndarray) -> np.ndarray:
    return cents + 100


def days_earlier(days: int) -> Callable[[np.ndarray], np.ndarray]:
    def earlier(seconds: np.ndarray) -> np.ndarray:
        return seconds - days * DAY
    return earlier


# table -> [(kind, {column: change})]; kind 'duplicate' appends a copy of the row,
# changed as given (nothing for an exact re-delivery).
BREAKS: dict[str, list[tuple[str, dict[str, Change]]]] = {
    "customers": [
        ("missing_primary_key", {"customer_id": None}),
        ("unknown_country_code", {"country_code": "ZZ"}),
        ("unknown_enum_value", {"acquisition_channel": "carrier_pigeon"}),
        ("missing_required_value", {"country_code": None}),
        ("future_timestamp", {"signup_ts": FAR_FUTURE_S}),
        (DUPLICATE, {"updated_at": days_earlier(3), "city": "Old Town"}),
    ],
    "orders": [
        ("missing_primary_key", {"order_id": None}),
        ("future_timestamp", {"order_ts": FAR_FUTURE_S}),
        ("unknown_enum_value", {"status": "lost_in_space"}),
        ("unknown_currency", {"currency": "XXX"}),
        ("negative_amount", {"subtotal": negated_less_a_cent}),
        ("unknown_customer", {"customer_id": "C_UNKNOWN"}),
        ("invalid_installments", {"installments": 0}),
        (DUPLICATE, {"updated_at": days_earlier(2), "status": "placed"}),
    ],
    "order_items": [
        ("missing_primary_key", {"order_item_id": None}),
        ("unknown_order", {"order_id": "O_UNKNOWN"}),
        ("unknown_product", {"product_id": "P_UNKNOWN"}),
        ("invalid_quantity", {"quantity": 0}),
        ("negative_amount", {"unit_price": negated_less_a_cent}),
        (DUPLICATE, {}),
    ],
    "products": [
        ("missing_required_value", {"category": None}),
        ("negative_amount", {"list_price_usd": negated}),
    ],
    "events": [
        ("missing_primary_key", {"event_id": None}),
        ("future_timestamp", {"event_ts": FAR_FUTURE_S}),
        ("unknown_enum_value", {"event_type": "teleport"}),
        ("invalid_json", {"properties": '{"broken": '}),
        ("missing_visitor_id", {"customer_id": None, "anonymous_id": None}),
        ("unknown_country_code", {"country_code": "zz"}),
        ("unknown_customer", {"customer_id": "C_UNKNOWN"}),
        (DUPLICATE, {}),
    ],
    "feedback": [
        ("missing_primary_key", {"feedback_id": None}),
        ("score_out_of_range", {"score": 11}),
        ("unknown_enum_value", {"language": "fr"}),
        ("unknown_customer", {"customer_id": "C_UNKNOWN"}),
        ("unknown_order", {"order_id": "O_UNKNOWN"}),
        (DUPLICATE, {}),
    ],
    "marketing_spend": [
        ("negative_amount", {"amount": negated_less_a_cent}),
        ("unknown_enum_value", {"channel": "skywriting"}),
        ("unknown_currency", {"currency": "XXX"}),
        (DUPLICATE, {"amount": plus_one_unit}),
    ],
    "privacy_requests": [
        ("unknown_enum_value", {"request_type": "forget_me_maybe"}),
        (DUPLICATE, {}),
    ],
    # a conflicting assignment (one unit in two variants) needs two rows and is covered by
    # python_tests/test_experiments.py's crafted rows
    "experiment_assignments": [
        ("unknown_experiment", {"experiment_id": "exp_unknown"}),
        ("unknown_enum_value", {"variant": "variant_z"}),
        ("missing_visitor_id", {"customer_id": None, "anonymous_id": None}),
        ("unknown_customer", {"customer_id": "C_UNKNOWN"}),
        # a re-delivery a day later: the earliest assignment is kept
        (DUPLICATE, {"assigned_ts": days_earlier(-1)}),
    ],
}


@dataclass
class BadRowPlan:
    """Which rows of a table break which rule: kind_of_row is -1 for a good row, else an index
    into BREAKS[table]; duplicate_of lists the rows copied (appended at the end)."""

    kind_of_row: np.ndarray
    duplicate_of: np.ndarray
    counts: dict[str, int]


def plan_bad_rows(table: str, n_rows: int, share: float, rng: np.random.Generator) -> BadRowPlan:
    """ceil(share * rows) rows (at least one per kind when share > 0), the kinds taking turns."""
    kinds = BREAKS[table]
    kind_of_row = np.full(n_rows, -1, dtype=np.int8)
    if share <= 0 or n_rows == 0:
        return BadRowPlan(kind_of_row, np.zeros(0, np.int64), {})
    n_bad = min(n_rows, max(len(kinds), math.ceil(share * n_rows)))
    rows = np.sort(rng.choice(n_rows, size=n_bad, replace=False))
    kinds_drawn = np.arange(n_bad) % len(kinds)
    kind_of_row[rows] = kinds_drawn
    duplicate_index = [i for i, (kind, _) in enumerate(kinds) if kind == DUPLICATE]
    duplicate_of = rows[np.isin(kinds_drawn, duplicate_index)]
    kind_of_row[duplicate_of] = -1  # the original stays good; its copy carries the change
    counts = {kind: int((kinds_drawn == i).sum()) for i, (kind, _) in enumerate(kinds)}
    return BadRowPlan(kind_of_row, duplicate_of, counts)


def changes_by_column(table: str, columns) -> dict[str, list[tuple[int, Change]]]:
    """The breaks of a table by output column: (index of the kind in BREAKS[table], change)."""
    broken: dict[str, list[tuple[int, Change]]] = {}
    for index, (_, changes) in enumerate(BREAKS[table]):
        for column, change in changes.items():
            if column not in columns:
                raise KeyError(f"break of {table} names unknown column {column}")
            broken.setdefault(column, []).append((index, change))
    return broken


def with_good_rows_appended(plan: BadRowPlan, rows: int) -> BadRowPlan:
    """The plan of a table with `rows` good rows appended after the planned ones."""
    if rows == 0:
        return plan
    return BadRowPlan(np.concatenate([plan.kind_of_row, np.full(rows, -1, dtype=np.int8)]), plan.duplicate_of,
                      plan.counts)
