"""The CLV and retention fits (issue 17): data flows one way (no intermediate model reads a mart),
the fits are intermediate models the marts select from, and the engine variants sit in one folder
each, enabled by one folder-level config, so a slim CI state comparison of an unchanged project
reports no disabled contracted model."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml

from .conftest import DBT, PROJECT_DIR, dbt_env

FITS = PROJECT_DIR / "models/intermediate/fits"
# each fit and the mart that selects it
MART_OF_FIT = {
    "int_clv_model_params_fitted": "clv_model_params",
    "int_clv_backtest_fitted": "clv_backtest",
    "int_cohort_retention_projected": "retention_projection",
    "int_persons_clv_scored": "customer_lifetime_value",
    "int_sentiment_model_evaluated": "sentiment_model_evaluation",
    "int_engagement_weights_suggested": "engagement_weight_suggestions",
}


@pytest.fixture(scope="module")
def parsed(tmp_path_factory) -> tuple[Path, dict]:
    """The project parsed twice into two target folders (as slim CI compares a state with itself);
    the first one's manifest."""
    work = tmp_path_factory.mktemp("fits_layout")
    env = dbt_env(work / "raw", work)
    for name in ("state_a", "state_b"):
        completed = subprocess.run([DBT, "parse", "--target-path", str(work / name), "--log-path", str(work / "logs")],
                                   cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)
        assert completed.returncode == 0, completed.stdout + completed.stderr
    return work, json.loads((work / "state_a" / "manifest.json").read_text())


def model_paths(manifest: dict) -> dict[str, list[str]]:
    """Every model's files by name, enabled or disabled (an engine variant is disabled on the other)."""
    paths: dict[str, list[str]] = {}
    nodes = list(manifest["nodes"].values()) + [n for ns in manifest["disabled"].values() for n in ns]
    for node in nodes:
        if node["resource_type"] == "model":
            paths.setdefault(node["name"], []).append(node["original_file_path"])
    return paths


def test_no_intermediate_model_reads_a_mart_on_either_engine(parsed):
    _, manifest = parsed
    paths = model_paths(manifest)
    nodes = list(manifest["nodes"].values()) + [n for ns in manifest["disabled"].values() for n in ns]
    backwards = sorted(
        (node["original_file_path"], ref["name"])
        for node in nodes if node["resource_type"] == "model" and node["original_file_path"].startswith("models/intermediate/")
        for ref in node["refs"] if any(path.startswith("models/marts/") for path in paths.get(ref["name"], []))
    )
    assert backwards == []


def test_each_fit_is_an_intermediate_model_in_one_folder_per_engine_and_a_mart_selects_it(parsed):
    _, manifest = parsed
    paths = model_paths(manifest)
    for fit, mart in MART_OF_FIT.items():
        assert sorted(paths[fit]) == [f"models/intermediate/fits/python/{fit}.py",
                                      f"models/intermediate/fits/spark/{fit}.sql"]
        node = manifest["nodes"][f"model.latam_engagement.{mart}"]
        assert node["original_file_path"].endswith(".sql") and f"model.latam_engagement.{fit}" in node["depends_on"]["nodes"]
    # clv_model_params, clv_backtest and retention_projection are SQL marts with an enforced contract now
    for mart in ("clv_model_params", "clv_backtest", "retention_projection"):
        assert manifest["nodes"][f"model.latam_engagement.{mart}"]["contract"]["enforced"] is True


def test_one_folder_level_config_enables_each_engine_and_no_model_sets_its_own():
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert project["models"]["latam_engagement"]["intermediate"]["fits"] == {
        # `target is defined`: dbt renders dbt_project.yml without a profile too (dbt debug)
        "python": {"+enabled": "{{ target is not defined or target.type != 'spark' }}"},
        "spark": {"+enabled": "{{ target is defined and target.type == 'spark' }}"},
    }
    assert (PROJECT_DIR / "dbt_project.yml").read_text().count("+enabled") == 2
    # the one exception, by design (DECISIONS.md, issue 19): a source adapter's models are enabled
    # by the var that chooses its system, which only a model's own config sees when the var is set
    # in dbt_project.yml; each says so with adapter_in_use('<its folder's system>')
    per_model = []
    for path in (PROJECT_DIR / "models").glob("**/*.sql"):
        text = path.read_text()
        if "enabled=" not in text:
            continue
        relative = path.relative_to(PROJECT_DIR)
        system = relative.parts[2] if relative.parts[:2] == ("models", "staging") else None
        if system is None or text.count("enabled=") != 1 or f"enabled=adapter_in_use('{system}')" not in text:
            per_model.append(str(relative))
    assert per_model == []


def test_a_state_comparison_of_an_unchanged_project_reports_no_disabled_contracted_model(parsed):
    work, _ = parsed
    completed = subprocess.run(
        [DBT, "ls", "--select", "state:modified", "--state", str(work / "state_a"),
         "--target-path", str(work / "state_b"), "--log-path", str(work / "logs")],
        cwd=PROJECT_DIR, env=dbt_env(work / "raw", work), capture_output=True, text=True, timeout=600)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Breaking change" not in output and "was disabled" not in output, output
    assert "No nodes selected!" in output
