"""The coverage report counts descriptions and primary-key tests from the manifest and fails
below 100% for marts."""

from __future__ import annotations

import json

from engagement_warehouse.coverage import model_coverage, report


def _manifest(tmp_path, mart_description: str, mart_pk_test: bool):
    def model(name, layer, description, columns):
        return {f"model.p.{name}": {
            "resource_type": "model", "package_name": "p", "name": name, "fqn": ["p", layer, name],
            "description": description, "schema": layer, "alias": name,
            "columns": {c: {"description": d} for c, d in columns.items()}}}
    nodes = {}
    nodes.update(model("stg_a", "staging", "A staging model.", {"id": "Key.", "note": ""}))
    nodes.update(model("fct_a", "marts", mart_description, {"id": "Key.", "amount_usd": "Amount."}))
    tests = [("unique_stg_a_id", "model.p.stg_a", "unique")]
    if mart_pk_test:
        tests.append(("unique_fct_a_id", "model.p.fct_a", "unique"))
    tests.append(("not_null_fct_a_id", "model.p.fct_a", "not_null"))
    for name, parent, kind in tests:
        nodes[f"test.p.{name}"] = {"resource_type": "test", "depends_on": {"nodes": [parent]},
                                   "attached_node": parent, "test_metadata": {"name": kind}}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"metadata": {"project_name": "p"}, "nodes": nodes, "unit_tests": {}}))
    return path


def test_complete_marts_pass_and_staging_gaps_are_listed(tmp_path):
    text, passed = report(model_coverage(_manifest(tmp_path, "A mart.", True)))
    assert passed
    assert "staging.stg_a: columns without description: note" in text
    assert "coverage: 100% for marts" in text


def test_a_mart_without_description_or_primary_key_test_fails(tmp_path):
    text, passed = report(model_coverage(_manifest(tmp_path, "", False)))
    assert not passed
    assert "marts.fct_a: no description; no primary-key test" in text
    marts_row = next(line for line in text.splitlines() if line.startswith("marts"))
    assert marts_row.split()[1:5] == ["1", "0%", "100%", "0%"]
