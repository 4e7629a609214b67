"""Bad rows: a share of each raw table broken on purpose, one rule at a time.

Each kind breaks one rule of the raw data contract that staging must catch (the kind names are
the rule names audit_rejected_rows reports), or adds an older or re-delivered copy of a row that
staging must collapse. A break replaces the SQL expression of one or more output columns for the
rows chosen for it; `{value}` stands for the column's normal expression. The typed Parquet
output can only carry the breaks its types allow; text-only breaks (an unparseable timestamp, a
non-numeric amount) are covered by the staging tests with crafted CSV files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DUPLICATE = "duplicate"

# table -> [(kind, {column: broken expression})]; kind 'duplicate' appends a copy of the row,
# changed as given (nothing for an exact re-delivery).
BREAKS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "customers": [
        ("missing_primary_key", {"customer_id": "null"}),
        ("unknown_country_code", {"country_code": "'ZZ'"}),
        ("unknown_enum_value", {"acquisition_channel": "'carrier_pigeon'"}),
        ("missing_required_value", {"signup_ts": "null"}),
        ("future_timestamp", {"signup_ts": "timestamp '2099-01-01 00:00:00'"}),
        (DUPLICATE, {"updated_at": "{value} - interval 3 day", "city": "'Old Town'"}),
    ],
    "orders": [
        ("missing_primary_key", {"order_id": "null"}),
        ("future_timestamp", {"order_ts": "timestamp '2099-01-01 00:00:00'"}),
        ("unknown_enum_value", {"status": "'lost_in_space'"}),
        ("unknown_currency", {"currency": "'XXX'"}),
        ("negative_amount", {"subtotal": "-{value} - 0.01"}),
        ("unknown_customer", {"customer_id": "'C_UNKNOWN'"}),
        ("invalid_installments", {"installments": "0"}),
        (DUPLICATE, {"updated_at": "{value} - interval 2 day", "status": "'placed'"}),
    ],
    "order_items": [
        ("missing_primary_key", {"order_item_id": "null"}),
        ("unknown_order", {"order_id": "'O_UNKNOWN'"}),
        ("unknown_product", {"product_id": "'P_UNKNOWN'"}),
        ("invalid_quantity", {"quantity": "0"}),
        ("negative_amount", {"unit_price": "-{value} - 0.01"}),
        (DUPLICATE, {}),
    ],
    "products": [
        ("missing_required_value", {"category": "null"}),
        ("negative_amount", {"list_price_usd": "-{value}"}),
    ],
    "events": [
        ("missing_primary_key", {"event_id": "null"}),
        ("future_timestamp", {"event_ts": "timestamp '2099-01-01 00:00:00'"}),
        ("unknown_enum_value", {"event_type": "'teleport'"}),
        ("invalid_json", {"properties": "'{{\"broken\": '"}),
        ("missing_visitor_id", {"customer_id": "null", "anonymous_id": "null"}),
        ("unknown_country_code", {"country_code": "'zz'"}),
        ("unknown_customer", {"customer_id": "'C_UNKNOWN'"}),
        (DUPLICATE, {}),
    ],
    "feedback": [
        ("missing_primary_key", {"feedback_id": "null"}),
        ("score_out_of_range", {"score": "11"}),
        ("unknown_enum_value", {"language": "'fr'"}),
        ("unknown_customer", {"customer_id": "'C_UNKNOWN'"}),
        ("unknown_order", {"order_id": "'O_UNKNOWN'"}),
        (DUPLICATE, {}),
    ],
    "marketing_spend": [
        ("negative_amount", {"amount": "-{value} - 0.01"}),
        ("unknown_enum_value", {"channel": "'skywriting'"}),
        ("unknown_currency", {"currency": "'XXX'"}),
        (DUPLICATE, {"amount": "{value} + 1"}),
    ],
    "privacy_requests": [
        ("unknown_enum_value", {"request_type": "'forget_me_maybe'"}),
        (DUPLICATE, {}),
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


def apply_breaks(table: str, columns: dict[str, str]) -> dict[str, str]:
    """The select list of a table with its breaks: each broken column's expression becomes a
    case on the bad_kind column of the source."""
    broken: dict[str, list[tuple[int, str]]] = {}
    for index, (_, changes) in enumerate(BREAKS[table]):
        for column, expression in changes.items():
            if column not in columns:
                raise KeyError(f"break of {table} names unknown column {column}")
            broken.setdefault(column, []).append((index, expression))
    out = {}
    for column, expression in columns.items():
        if column not in broken:
            out[column] = expression
            continue
        whens = " ".join(f"when bad_kind = {i} then {e.format(value=f'({expression})')}" for i, e in broken[column])
        out[column] = f"case {whens} else {expression} end"
    return out
