"""Types a BI tool sees, checked over the manifest of a fresh `dbt parse` (the fixture of
test_project_structure): every amount of money in a mart has the project's money type and every
rate or share is a DOUBLE (doc block money_rounding), and every mart's contract is enforced so
that the declared type is the type built."""

from __future__ import annotations

import re
from typing import Any

from .test_project_structure import manifest  # noqa: F401 - the fixture

MONEY_TYPE = "decimal(18,2)"
# amounts carry their unit at the end of the name (STYLE.md); an amount per head keeps it before
# the _per_<head> suffix. fx_usd_per_unit is a rate of exchange, not an amount: it does not match.
MONEY = re.compile(r"_(usd|local)(_per_customer)?$")
# has_social_share is a boolean (is_/has_), not a share
RATE = re.compile(r"^(?!is_|has_).*_(rate|share)$")


def mart_columns(manifest: dict[str, Any]) -> list[tuple[str, str, str | None]]:  # noqa: F811
    return [(node["name"], column["name"], column.get("data_type"))
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
            for column in node["columns"].values()]


def normalised(data_type: str | None) -> str:
    return re.sub(r"\s+", "", (data_type or "")).lower()


def test_every_money_column_of_the_marts_has_the_money_type(manifest):  # noqa: F811
    money = [(mart, column, data_type) for mart, column, data_type in mart_columns(manifest) if MONEY.search(column)]
    assert len(money) >= 40  # the matcher finds the marts' amounts, not nothing
    assert ("fct_order_attribution", "attributed_net_revenue_usd", "decimal(18, 2)") in money
    wrong = sorted(f"{mart}.{column}: {data_type}" for mart, column, data_type in money
                   if normalised(data_type) != MONEY_TYPE)
    assert wrong == [], f"money columns not {MONEY_TYPE}: {wrong}"


def test_every_rate_and_share_of_the_marts_is_a_double(manifest):  # noqa: F811
    rates = [(mart, column, data_type) for mart, column, data_type in mart_columns(manifest) if RATE.search(column)]
    assert ("regional_engagement", "whatsapp_session_share", "double") in rates
    wrong = sorted(f"{mart}.{column}: {data_type}" for mart, column, data_type in rates if normalised(data_type) != "double")
    assert wrong == [], f"rates not double: {wrong}"


def test_every_mart_enforces_its_contract(manifest):  # noqa: F811
    marts = [node for node in manifest["nodes"].values()
             if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")]
    assert len(marts) >= 20
    assert sorted(node["name"] for node in marts if not node["config"]["contract"]["enforced"]) == []
