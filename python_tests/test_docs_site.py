"""The dbt docs site as a reviewer opens it, in headless Chromium: `dbt docs generate --static` on
a built warehouse, then the single-file page (no server) and the served site (`dbt docs serve`,
what `make docs-serve` runs) must render the project's overview, models with their descriptions
and columns, and the lineage graph from the raw source to the exposures, not an error page.
Screenshots go to target/docs_screenshots/ for a person to look at."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from .browser import headless_chromium
from .conftest import DBT, PROJECT_DIR, dbt_env, run_dbt

SCREENSHOTS = PROJECT_DIR / "target" / "docs_screenshots"
PROJECT = "latam_engagement"

# The docs app's own data, as loaded in the page (AngularJS services of dbt-docs).
LOADED_NODES = """
    var project = angular.element(document.body).injector().get('project');
    if (!project.loaded || !project.project.nodes) { return null; }
    var nodes = Object.values(project.project.nodes).concat(Object.values(project.project.exposures || {}));
    return nodes.map(function (node) { return node.resource_type + ':' + node.name; });
"""
GRAPH_ELEMENTS = """
    var graph = angular.element(document.body).injector().get('graph').graph;
    if (!graph.elements || !graph.elements.length) { return null; }
    return graph.elements.map(function (element) {
        return element.data.source ? 'edge:' + element.data.source + '>' + element.data.target
                                   : element.data.resource_type + ':' + element.data.name;
    });
"""


@pytest.fixture(scope="module")
def docs(built_warehouse, tmp_path_factory) -> tuple[Path, dict]:
    """A docs site generated from a copy of the shared warehouse (the catalog opens the file)."""
    work = tmp_path_factory.mktemp("docs")
    shutil.copy(built_warehouse.database, work / "warehouse.duckdb")
    run = run_dbt(["docs", "generate", "--static"], built_warehouse.raw_dir, work)
    assert run.returncode == 0, run.output[-3000:]
    target = work / "target"
    return target, json.loads((target / "manifest.json").read_text())


def wait_for(driver, script: str, timeout: float = 30):
    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))


def script_errors(driver) -> list[str]:
    """Console errors raised by scripts. dbt-docs itself requests a few resources that never exist
    offline (icon templates, a favicon, a CDN tracking script): those are network entries, not
    rendering failures."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and entry.get("source") != "network"]


def models_of(manifest: dict, layer: str | None = None) -> set[str]:
    return {node["name"] for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["package_name"] == PROJECT
            and (layer is None or node["fqn"][1] == layer)}


def test_generate_writes_the_site_and_a_single_file_version(docs):
    target, manifest = docs
    for name in ["index.html", "manifest.json", "catalog.json", "static_index.html"]:
        assert (target / name).stat().st_size > 0, name
    static = (target / "static_index.html").read_text()
    # one file: the manifest and the catalog are inside it, so it opens without a server
    assert '"model.latam_engagement.fct_orders"' in static
    catalog = json.loads((target / "catalog.json").read_text())
    assert {node["metadata"]["name"] for node in catalog["nodes"].values()} >= models_of(manifest, "marts")


def test_the_single_file_site_renders_the_overview_and_every_model(docs):
    target, manifest = docs
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with headless_chromium() as driver:
        driver.get((target / "static_index.html").as_uri() + "#!/overview")
        loaded = set(wait_for(driver, LOADED_NODES))
        heading = WebDriverWait(driver, 30).until(expected_conditions.visibility_of_element_located(
            (By.XPATH, "//h1[contains(., 'LatAm customer-engagement warehouse')]")))
        page = driver.find_element(By.TAG_NAME, "body").text
        driver.save_screenshot(str(SCREENSHOTS / "overview.png"))
        assert heading.is_displayed()
        for section in ["Where to start", "Layers", "The raw data contract", "How to read the marts"]:
            assert section in page
        assert {f"model:{name}" for name in models_of(manifest)} <= loaded
        assert {f"exposure:{exposure['name']}" for exposure in manifest["exposures"].values()} <= loaded
        assert script_errors(driver) == []


def test_a_mart_page_shows_its_description_columns_and_tests(docs):
    target, manifest = docs
    node = manifest["nodes"][f"model.{PROJECT}.cohort_retention"]
    with headless_chromium() as driver:
        driver.get((target / "static_index.html").as_uri() + f"#!/model/{node['unique_id']}")
        WebDriverWait(driver, 30).until(expected_conditions.text_to_be_present_in_element(
            (By.TAG_NAME, "h1"), "cohort_retention"))
        # the description, rendered from markdown: compare its first sentence without formatting
        first_sentence = node["description"].split(". ")[0].replace("**", "").replace("`", "")
        WebDriverWait(driver, 30).until(expected_conditions.text_to_be_present_in_element(
            (By.TAG_NAME, "body"), first_sentence))
        columns = driver.find_element(By.XPATH, "//*[@id='columns']/..").text
        driver.save_screenshot(str(SCREENSHOTS / "mart_cohort_retention.png"))
        assert script_errors(driver) == []
    for column in node["columns"]:
        assert column in columns, column


def test_the_lineage_graph_runs_from_the_raw_source_to_the_report(docs):
    target, manifest = docs
    exposure = manifest["exposures"][f"exposure.{PROJECT}.business_report"]
    with headless_chromium(1600, 1000) as driver:
        driver.get((target / "static_index.html").as_uri() + f"#!/exposure/{exposure['unique_id']}")
        WebDriverWait(driver, 30).until(expected_conditions.element_to_be_clickable(
            (By.CSS_SELECTOR, "[ng-click='onLauncherClick()']"))).click()
        WebDriverWait(driver, 30).until(expected_conditions.element_to_be_clickable(
            (By.CSS_SELECTOR, "[ng-click='showExpanded()']"))).click()
        elements = set(wait_for(driver, GRAPH_ELEMENTS))
        time.sleep(1)  # the layout animates into place before the screenshot
        driver.save_screenshot(str(SCREENSHOTS / "lineage_business_report.png"))
        assert script_errors(driver) == []
    upstream = {manifest["nodes"][uid]["name"] for uid in exposure["depends_on"]["nodes"]}
    assert "exposure:business_report" in elements
    assert {f"model:{name}" for name in upstream} <= elements
    # the chain reaches back to the raw landing files and to staging
    assert "source:orders" in elements and "model:stg_shop__orders" in elements
    assert f"edge:model.{PROJECT}.cohort_retention>{exposure['unique_id']}" in elements


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_docs_serve_serves_the_same_site(docs, built_warehouse):
    target, _ = docs
    port = free_port()
    env = dbt_env(built_warehouse.raw_dir, target.parent)
    server = subprocess.Popen([DBT, "docs", "serve", "--port", str(port), "--no-browser",
                               "--target-path", str(target), "--log-path", str(target.parent / "logs")],
                              cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        else:
            pytest.fail("dbt docs serve did not listen within 60 s")
        with headless_chromium() as driver:
            driver.get(f"http://127.0.0.1:{port}/#!/model/model.{PROJECT}.fct_orders")
            WebDriverWait(driver, 30).until(expected_conditions.text_to_be_present_in_element(
                (By.TAG_NAME, "h1"), "fct_orders"))
            loaded = set(wait_for(driver, LOADED_NODES))
            driver.save_screenshot(str(SCREENSHOTS / "served_fct_orders.png"))
            assert script_errors(driver) == []
        assert "model:fct_orders" in loaded and "exposure:business_report" in loaded
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_exposures_depend_on_exactly_what_reads_the_marts(docs):
    """The lineage graph is only as true as the exposures: each must list the marts its reader
    really reads (the report's queries, every exported mart, every mart with a quality suite)."""
    from engagement_warehouse.quality.suites import registry
    from engagement_warehouse.report.data import REQUIRED_MARTS

    _, manifest = docs

    def upstream(name: str) -> set[str]:
        return {uid.split(".")[-1] for uid in manifest["exposures"][f"exposure.{PROJECT}.{name}"]["depends_on"]["nodes"]}

    marts = models_of(manifest, "marts")
    assert upstream("business_report") == set(REQUIRED_MARTS)
    assert upstream("parquet_exports") == marts  # export_marts writes every table of schema marts
    assert upstream("data_quality_checkpoint") == {suite.mart for suite in registry()} == marts
    semantic_marts = {manifest["nodes"][uid]["name"] for model in manifest["semantic_models"].values()
                      for uid in model["depends_on"]["nodes"]}
    metrics = {name for name in upstream("bi_semantic_layer") if name != "metricflow_time_spine"}
    assert metrics <= {metric["name"] for metric in manifest["metrics"].values()}
    assert semantic_marts <= marts
