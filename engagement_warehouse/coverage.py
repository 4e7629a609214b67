"""Documentation and test coverage of the dbt models, counted from dbt's manifest (and, when a
built warehouse is given, its real columns): what `make test` prints and gates on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

LAYERS = ("staging", "intermediate", "marts", "audit", "semantic")
PRIMARY_KEY_TESTS = {"unique", "unique_combination_of_columns"}
GATED_LAYERS = ("marts", "semantic")


@dataclass
class ModelCoverage:
    name: str
    layer: str
    described: bool
    columns: int
    columns_described: int
    tests: int
    has_primary_key_test: bool
    undescribed_columns: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.described and self.columns_described == self.columns and self.has_primary_key_test


def model_coverage(manifest_path: Path, database: Path | None = None) -> list[ModelCoverage]:
    manifest = json.loads(manifest_path.read_text())
    tests_by_model: dict[str, list[dict]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test":
            for parent in node["depends_on"]["nodes"]:
                tests_by_model.setdefault(parent, []).append(node)
    unit_tests = {test["model"] if "model" in test else None for test in manifest.get("unit_tests", {}).values()}
    connection = duckdb.connect(str(database), read_only=True) if database else None
    result = []
    for unique_id, node in sorted(manifest["nodes"].items()):
        if node["resource_type"] != "model" or node["package_name"] != manifest["metadata"].get("project_name", node["package_name"]):
            continue
        layer = node["fqn"][1] if len(node["fqn"]) > 2 else "other"
        documented = {name: bool((column.get("description") or "").strip()) for name, column in node["columns"].items()}
        if connection is not None:
            built = [row[0] for row in connection.execute(
                "select column_name from duckdb_columns() where schema_name = ? and table_name = ? order by column_index",
                [node["schema"], node["alias"] or node["name"]]).fetchall()]
            names = built or list(documented)
        else:
            names = list(documented)
        tests = tests_by_model.get(unique_id, [])
        primary_key = any((test.get("test_metadata") or {}).get("name") in PRIMARY_KEY_TESTS
                          and test["attached_node"] == unique_id for test in tests)
        undescribed = [name for name in names if not documented.get(name)]
        result.append(ModelCoverage(node["name"], layer, bool((node.get("description") or "").strip()), len(names),
                                    len(names) - len(undescribed), len(tests) + (node["name"] in unit_tests),
                                    primary_key, undescribed))
    return result


def report(models: list[ModelCoverage]) -> tuple[str, bool]:
    """The coverage table per layer, and whether every gated layer is at 100%."""
    lines = [f"{'layer':<13}{'models':>7}{'described':>11}{'columns described':>19}{'primary key tested':>20}"
             f"{'tested':>8}"]
    passed = True
    for layer in LAYERS:
        members = [m for m in models if m.layer == layer]
        if not members:
            continue
        columns = sum(m.columns for m in members)
        described_columns = sum(m.columns_described for m in members)
        row = (f"{layer:<13}{len(members):>7}"
               f"{_percent(sum(m.described for m in members), len(members)):>11}"
               f"{_percent(described_columns, columns):>19}"
               f"{_percent(sum(m.has_primary_key_test for m in members), len(members)):>20}"
               f"{_percent(sum(m.tests > 0 for m in members), len(members)):>8}")
        lines.append(row)
        if layer in GATED_LAYERS and not all(m.complete and m.tests > 0 for m in members):
            passed = False
    gaps = [m for m in models if not m.complete or m.tests == 0]
    for model in gaps:
        reasons = []
        if not model.described:
            reasons.append("no description")
        if model.undescribed_columns:
            reasons.append("columns without description: " + ", ".join(model.undescribed_columns))
        if not model.has_primary_key_test:
            reasons.append("no primary-key test")
        if model.tests == 0:
            reasons.append("no test")
        lines.append(f"  {model.layer}.{model.name}: {'; '.join(reasons)}")
    lines.append("coverage: " + ("100% for " + ", ".join(GATED_LAYERS) if passed
                                 else "below 100% for " + ", ".join(GATED_LAYERS) + " (see above)"))
    return "\n".join(lines), passed


def _percent(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.0f}%" if whole else "-"


# Generic tests whose instances say what they check by their name and arguments (dbt's built-in
# tests and the project's convention tests, each described once where it is defined); any other
# generic test is a rule written per column (an expression) and needs its own description.
SELF_DESCRIBING_TESTS = {"unique", "not_null", "relationships", "accepted_values", "unique_combination_of_columns",
                         "amounts_are_not_negative", "rates_are_between_0_and_1", "accepted_contract_values",
                         "row_count_compared", "matches_regex"}


@dataclass
class ResourceDocs:
    kind: str
    total: int
    undescribed: list[str]

    @property
    def described(self) -> int:
        return self.total - len(self.undescribed)


def resource_documentation(manifest_path: Path) -> list[ResourceDocs]:
    """Descriptions of everything the docs site shows besides models: sources and seeds (and their
    columns), the project's macros, singular tests, per-column rule tests, unit tests, analyses,
    exposures, semantic models and metrics."""
    manifest = json.loads(manifest_path.read_text())
    project = manifest["metadata"].get("project_name")
    found: dict[str, list[tuple[str, bool]]] = {}

    def note(kind: str, name: str, description: str | None) -> None:
        found.setdefault(kind, []).append((name, bool((description or "").strip())))

    def with_columns(kind: str, node: dict, name: str) -> None:
        note(kind, name, node.get("description"))
        for column, properties in node.get("columns", {}).items():
            note(f"{kind} columns", f"{name}.{column}", properties.get("description"))

    for node in manifest.get("sources", {}).values():
        if node.get("package_name") == project:
            with_columns("sources", node, f"{node['source_name']}.{node['name']}")
    for node in manifest["nodes"].values():
        if node.get("package_name") != project:
            continue
        kind = node["resource_type"]
        if kind == "seed":
            with_columns("seeds", node, node["name"])
        elif kind == "analysis":
            note("analyses", node["name"], node.get("description"))
        elif kind == "test" and not node.get("test_metadata"):
            note("singular tests", node["name"], node.get("description"))
        elif kind == "test" and node["test_metadata"]["name"] not in SELF_DESCRIBING_TESTS:
            note("column rule tests", node["name"], node.get("description"))
    for section, kind in [("macros", "macros"), ("unit_tests", "unit tests"), ("exposures", "exposures"),
                          ("semantic_models", "semantic models"), ("metrics", "metrics")]:
        for node in manifest.get(section, {}).values():
            if node.get("package_name") == project:
                note(kind, node["name"], node.get("description"))
    return [ResourceDocs(kind, len(entries), sorted(name for name, described in entries if not described))
            for kind, entries in sorted(found.items())]


def documentation_report(resources: list[ResourceDocs]) -> tuple[str, bool]:
    """Described share per kind of resource, the undescribed names, and whether all are at 100%."""
    lines = [f"{'resource':<20}{'count':>7}{'described':>11}"]
    for resource in resources:
        lines.append(f"{resource.kind:<20}{resource.total:>7}{_percent(resource.described, resource.total):>11}")
    for resource in resources:
        if resource.undescribed:
            lines.append(f"  {resource.kind} without description: " + ", ".join(resource.undescribed))
    passed = all(not resource.undescribed for resource in resources)
    lines.append("documentation: " + ("100% of every kind of resource" if passed else "gaps (see above)"))
    return "\n".join(lines), passed
