"""Names a BI tool sees, checked over the manifest of a fresh `dbt parse` (the fixture of
test_project_structure): one dimension has one name and one type in every mart, and one name does
not mean two things (doc block mart_column_names, DECISIONS.md "One name per dimension")."""

from __future__ import annotations

from collections import defaultdict

from .test_mart_types import mart_columns, normalised
from .test_project_structure import manifest  # noqa: F401 - the fixture

# Names no mart may use, each with the names that replace it: a bare `channel` or `status` meant
# two things in two marts (the sales channel of an order, the channel an answer came through; an
# order's status, a model fit's status), and the loyalty points had two names for one measure.
RETIRED = {
    "channel": "order_channel, feedback_channel, acquisition_channel or session_channel",
    "status": "order_status or model_status",
    "reason": "a <what>_reason",
    "month": "activity_month or <event>_month",
    "points_earned": "loyalty_points_earned",
    "points_redeemed": "loyalty_points_redeemed",
}
# The month a monthly mart is aggregated by is its activity_month, whatever it counts; a row-level
# fact (fct_) names the month after its event (order_month, submitted_month).
MONTH_GRAIN = "activity_month"


def test_a_name_shared_by_marts_has_one_type(manifest):  # noqa: F811
    types: dict[str, set[str]] = defaultdict(set)
    where: dict[str, list[str]] = defaultdict(list)
    for mart, column, data_type in mart_columns(manifest):
        types[column].add(normalised(data_type))
        where[column].append(f"{mart}: {data_type}")
    shared = [column for column in types if len(where[column]) > 1]
    assert len(shared) >= 50  # the marts share their dimensions, not nothing
    assert types["loyalty_points_redeemed"] == {"bigint"}
    mixed = sorted(f"{column} ({', '.join(sorted(where[column]))})" for column in shared if len(types[column]) > 1)
    assert mixed == [], f"one name, several types across the marts: {mixed}"


def test_no_mart_uses_a_retired_or_ambiguous_name(manifest):  # noqa: F811
    found = sorted(f"{mart}.{column} (use {RETIRED[column]})" for mart, column, _ in mart_columns(manifest)
                   if column in RETIRED)
    assert found == [], f"names that mean two things or have a successor: {found}"


def test_each_meaning_of_channel_and_status_has_its_own_name(manifest):  # noqa: F811
    columns = {(mart, column) for mart, column, _ in mart_columns(manifest)}
    for expected in [("fct_orders", "order_channel"), ("fct_feedback", "feedback_channel"),
                     ("fct_orders", "order_status"), ("fct_order_items", "order_status"),
                     ("clv_model_params", "model_status"), ("customer_lifetime_value", "model_status"),
                     ("loyalty_program_performance", "loyalty_points_redeemed"),
                     ("feedback_summary", "activity_month")]:
        assert expected in columns, expected


def test_monthly_marts_call_their_month_activity_month(manifest):  # noqa: F811
    months = sorted((mart, column) for mart, column, _ in mart_columns(manifest) if column.endswith("_month"))
    assert ("fct_orders", "order_month") in months  # row-level facts keep their event's month
    wrong = sorted(f"{mart}.{column}" for mart, column in months
                   if not mart.startswith(("fct_", "dim_")) and column != MONTH_GRAIN)
    assert wrong == [], f"monthly marts must name their month {MONTH_GRAIN}: {wrong}"
