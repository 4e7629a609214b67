"""The coverage report counts descriptions and primary-key tests from the manifest and fails
below 100% for marts; the documentation report fails on any other resource without a description."""

from __future__ import annotations

import json

from engagement_warehouse.coverage import documentation_report, model_coverage, report, resource_documentation


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


def test_every_other_resource_needs_a_description_except_self_describing_test_instances(tmp_path):
    def test(name, kind, description=""):
        return {f"test.p.{name}": {"resource_type": "test", "package_name": "p", "name": name,
                                   "description": description, "test_metadata": {"name": kind} if kind else None}}
    nodes = {
        "seed.p.countries": {"resource_type": "seed", "package_name": "p", "name": "countries",
                             "description": "Countries.", "columns": {"code": {"description": ""}}},
        **test("not_null_fct_a_id", "not_null"),
        **test("fct_a_rule", "expression_is_true"),
        **test("fct_a_rule_described", "expression_is_true", "Why the rule holds."),
        **test("singular_truth", None, "What it proves."),
    }
    manifest = {"metadata": {"project_name": "p"}, "nodes": nodes,
                "macros": {"macro.p.m": {"package_name": "p", "name": "m", "description": ""},
                           "macro.dbt.x": {"package_name": "dbt", "name": "x", "description": ""}},
                "exposures": {"exposure.p.report": {"package_name": "p", "name": "report", "description": "A report."}}}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    resources = {r.kind: r for r in resource_documentation(path)}
    assert {kind: (r.total, r.undescribed) for kind, r in resources.items()} == {
        "column rule tests": (2, ["fct_a_rule"]), "exposures": (1, []), "macros": (1, ["m"]),
        "seeds": (1, []), "seeds columns": (1, ["countries.code"]), "singular tests": (1, [])}
    text, passed = documentation_report(list(resources.values()))
    assert not passed
    assert "  macros without description: m" in text and "column rule tests" in text
