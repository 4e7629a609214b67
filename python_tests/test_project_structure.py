"""The project's structure, checked over the manifest of a fresh `dbt parse` (into a temporary
target path, with the project's profiles), so the checks never read a previous build's files.

- Only staging reads sources.
- Data flows one way: no model under models/intermediate reads a model under models/marts.
- One guard per rule: no rule is both a dbt test and a Great Expectations expectation of the
  quality checkpoint (python_tests/rule_kinds.py derives both sides' (model, columns, kind)).
- A staging model reads only its own source's staging; only staging and audit read the base
  models; every model has a primary-key test (unique or unique_combination_of_columns).

Accepted exceptions are rows of the seed structure_exceptions, each with its reason; a row that
matches no real edge fails too, so the list cannot go stale.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from engagement_warehouse.quality.suites import registry

from .conftest import DBT, PROJECT_DIR
from .rule_kinds import dbt_rule_keys, gx_rule_keys, overlaps

EXCEPTIONS = PROJECT_DIR / "seeds" / "structure_exceptions.csv"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict[str, Any]:
    target = tmp_path_factory.mktemp("structure_target")
    env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT_DIR), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    parsed = subprocess.run([DBT, "parse", "--target-path", str(target), "--log-path", str(target / "logs")],
                            cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert parsed.returncode == 0, parsed.stdout[-3000:] + parsed.stderr[-3000:]
    return json.loads((target / "manifest.json").read_text(encoding="utf-8"))


def exceptions(rule: str) -> list[tuple[str, str]]:
    with EXCEPTIONS.open(encoding="utf-8", newline="") as handle:
        return [(row["model_name"], row["reads"]) for row in csv.DictReader(handle) if row["rule"] == rule]


def folder(node: dict[str, Any]) -> str:
    return node["original_file_path"]


def model_edges(manifest: dict[str, Any]) -> list[tuple[dict[str, Any], str, dict[str, Any] | None]]:
    """(model, name of what it reads, the node read or None for a source) for every model."""
    edges = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        for parent in node["depends_on"].get("nodes", []):
            if parent.startswith("source."):
                source = manifest["sources"][parent]
                edges.append((node, f"source:{source['source_name']}.{source['name']}", None))
            elif parent in manifest["nodes"]:
                edges.append((node, manifest["nodes"][parent]["name"], manifest["nodes"][parent]))
    return edges


def not_excepted(found: list[tuple[str, str]], rule: str) -> tuple[list[str], list[str]]:
    """The edges no exception covers, and the exceptions that match no edge (stale)."""
    allowed = exceptions(rule)
    unexcused = [f"{model} reads {read}" for model, read in found
                 if not any(model == m and fnmatch.fnmatchcase(read, r) for m, r in allowed)]
    stale = [f"{m} reads {r}" for m, r in allowed
             if not any(model == m and fnmatch.fnmatchcase(read, r) for model, read in found)]
    return unexcused, stale


def test_only_staging_reads_sources(manifest):
    found = [(node["name"], read) for node, read, parent in model_edges(manifest)
             if parent is None and not folder(node).startswith("models/staging/")]
    unexcused, stale = not_excepted(found, "source_read_outside_staging")
    assert unexcused == [], f"sources read outside models/staging: {unexcused}"
    assert stale == [], f"exceptions in {EXCEPTIONS.name} that match no edge: {stale}"


def intermediate_reads_of_marts(manifest: dict[str, Any]) -> list[str]:
    return sorted(f"{node['name']} ({folder(node)}) reads {read} ({folder(parent)})"
                  for node, read, parent in model_edges(manifest)
                  if parent is not None and folder(node).startswith("models/intermediate/")
                  and folder(parent).startswith("models/marts/"))


def test_no_intermediate_model_reads_a_mart(manifest):
    found = intermediate_reads_of_marts(manifest)
    assert found == [], "data must flow staging -> intermediate -> marts: " + "; ".join(found)


def test_no_rule_is_both_a_dbt_test_and_a_gx_expectation(manifest):
    both = overlaps(dbt_rule_keys(manifest), gx_rule_keys(registry()))
    assert both == [], f"{len(both)} rules in both guards: " + "; ".join(both)


def test_the_rule_keys_find_a_rule_written_in_both(manifest):
    """The check above can fail: a GX expectation restating a dbt test is found and named."""
    import great_expectations.expectations as gxe

    from engagement_warehouse.quality.suites import ERROR, MartSuite

    restated = MartSuite(mart="fct_orders", grain=("order_id",), expectations=(
        gxe.ExpectColumnValuesToBeUnique(column="order_id", severity=ERROR),
        gxe.ExpectColumnValuesToBeBetween(column="net_revenue_usd", min_value=0, severity=ERROR),
    ))
    assert overlaps(dbt_rule_keys(manifest), gx_rule_keys([restated])) == [
        "fct_orders.net_revenue_usd: range (dbt test amounts_are_not_negative_fct_orders_; "
        "GX fct_orders: expect_column_values_to_be_between)",
        "fct_orders.order_id: unique (dbt test unique_fct_orders_order_id; "
        "GX fct_orders: expect_column_values_to_be_unique)",
    ]


def test_staging_reads_only_its_own_source(manifest):
    found = [(node["name"], read) for node, read, parent in model_edges(manifest)
             if parent is not None and folder(node).startswith("models/staging/")
             and folder(parent).startswith("models/staging/")
             and folder(node).split("/")[2] != folder(parent).split("/")[2]]
    unexcused, stale = not_excepted(found, "staging_reads_another_source")
    assert unexcused == [], f"staging models reading another source's staging: {unexcused}"
    assert stale == [], f"exceptions in {EXCEPTIONS.name} that match no edge: {stale}"


def test_only_staging_and_audit_read_base_models(manifest):
    found = sorted(f"{node['name']} reads {read}" for node, read, parent in model_edges(manifest)
                   if parent is not None and "/base/" in folder(parent)
                   and not folder(node).startswith(("models/staging/", "models/audit/")))
    assert found == [], f"base models read outside staging and audit: {found}"


def test_every_model_has_a_primary_key_test(manifest):
    keyed = {node["attached_node"] for node in manifest["nodes"].values()
             if node["resource_type"] == "test" and node.get("attached_node")
             and (node.get("test_metadata") or {}).get("name") in ("unique", "unique_combination_of_columns")}
    missing = sorted(folder(node) for uid, node in manifest["nodes"].items()
                     if node["resource_type"] == "model" and uid not in keyed)
    assert missing == [], f"models without a unique or unique_combination_of_columns test: {missing}"


def yaml_home(model_path: str) -> str:
    """The one YAML file of a model's folder: `_<folder>__models.yml` beside it. The engine variants
    of a fit (fits/python/, fits/spark/: same names, one set of properties) share their parent's."""
    folder = Path(model_path).parent
    if folder.parent.name == "fits":
        folder = folder.parent
    return str(folder / f"_{folder.name}__models.yml")


def test_each_model_and_its_unit_tests_are_described_in_its_own_folder(manifest):
    models = {node["unique_id"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    misplaced = [f"{node['name']} ({node['original_file_path']}) described in {node['patch_path']}"
                 for node in models.values()
                 if node.get("patch_path") and node["patch_path"].split("://", 1)[-1] != yaml_home(node["original_file_path"])]
    for test in manifest.get("unit_tests", {}).values():
        tested = models[test["depends_on"]["nodes"][0]]
        if test["original_file_path"] != yaml_home(tested["original_file_path"]):
            misplaced.append(f"unit test {test['name']} of {tested['name']} in {test['original_file_path']}")
    assert misplaced == [], "\n".join(misplaced)
