"""The BI starter: Superset (the environment of `make superset-env`) set up on a built warehouse by
engagement_warehouse.dashboards, its server started, the dashboard opened in headless Chromium
after logging in through the login page, and what it shows compared with SQL on the same file."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import requests

from .browser import headless_chromium
from engagement_warehouse.dashboards import ADMIN_USER, server_command, setup, superset_env

PROJECT_DIR = Path(__file__).resolve().parents[1]
SUPERSET = Path(os.environ.get("SUPERSET", PROJECT_DIR / "target" / "superset_env" / "bin" / "superset"))
SCREENSHOTS = PROJECT_DIR / "target" / "dashboards_screenshots"
CHART_VIZ_TYPES = {
    "Cohort retention heat map": "heatmap_v2",
    "Retention curves": "echarts_timeseries_line",
    "Predicted 12-month CLV by value segment": "echarts_timeseries_bar",
    "Engaged customers by sub-region": "echarts_timeseries_bar",
}
# Waits for a server or a page to come up: a limit on waiting, not a figure the test checks.
WAIT_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def superset(built_warehouse, tmp_path_factory):
    """Superset set up on a copy of the test warehouse and serving it; yields (url, password, database)."""
    if not SUPERSET.is_file():
        pytest.fail(f"{SUPERSET} missing: run `make superset-env` (the Superset environment)")
    work = tmp_path_factory.mktemp("superset")
    database = work / "warehouse.duckdb"
    shutil.copyfile(built_warehouse.database, database)
    done = setup(database, work / "home", SUPERSET)
    port = _free_port()
    log = (work / "server.log").open("w")
    server = subprocess.Popen(server_command(SUPERSET, port), env=superset_env(work / "home"),
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            try:
                if requests.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                # not listening yet, or listening but still loading the app (a loaded machine)
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"Superset did not come up on {url}:\n{(work / 'server.log').read_text()[-3000:]}")
            time.sleep(1)
        yield url, done.password_file.read_text().strip(), database
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _sql(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_setup_keeps_its_secrets_private_and_opens_the_warehouse_read_only(superset):
    _, _, database = superset
    home = database.parent / "home"
    assert (home / "admin_password").stat().st_mode & 0o077 == 0
    assert (home / "secret_key").stat().st_mode & 0o077 == 0
    bundle = (home / "dashboard_bundle.zip").read_bytes()
    assert f"duckdb:///{database}?access_mode=read_only".encode() in bundle


def test_chart_data_api_equals_sql_on_the_mart(superset):
    url, password, database = superset
    session = requests.Session()
    login = session.post(f"{url}/api/v1/security/login", json={
        "username": ADMIN_USER, "password": password, "provider": "db", "refresh": False}, timeout=60)
    assert login.status_code == 200, login.text
    session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    charts = session.get(f"{url}/api/v1/chart/", timeout=60).json()["result"]
    assert sorted(chart["slice_name"] for chart in charts) == sorted([*CHART_VIZ_TYPES, "Customers"])
    chart_id = next(chart["id"] for chart in charts if chart["slice_name"] == "Predicted 12-month CLV by value segment")

    response = session.get(f"{url}/api/v1/chart/{chart_id}/data/", timeout=120)
    assert response.status_code == 200, response.text
    shown = {row["value_segment"]: row["predicted_clv_12m_usd"] for row in response.json()["result"][0]["data"]}

    expected = dict(_sql(database, """
        select value_segment, sum(predicted_clv_12m_usd)
        from marts.customer_lifetime_value
        where value_segment is not null
        group by value_segment"""))
    assert set(expected) == {"high", "medium", "low"}
    assert shown.keys() == expected.keys()
    for segment, total in expected.items():
        assert Decimal(str(shown[segment])) == total, segment


def test_dashboard_renders_every_chart_with_the_warehouse_numbers(superset):
    from selenium.webdriver.common.by import By

    url, password, database = superset
    (customers,) = _sql(database, """
        select sum(cohort_size) from marts.cohort_retention
        where segment_type = 'all' and cohort_grain = 'month' and period_number = 0""")[0]
    assert customers > 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with headless_chromium(1600, 2000) as driver:
        driver.get(f"{url}/login/")
        _wait(driver, lambda: driver.find_elements(By.ID, "password"), "the login form")
        driver.find_element(By.ID, "username").send_keys(ADMIN_USER)
        driver.find_element(By.ID, "password").send_keys(password)
        next(button for button in driver.find_elements(By.TAG_NAME, "button") if button.text == "Sign in").click()
        _wait(driver, lambda: "/login" not in driver.current_url, "the redirect after signing in")

        driver.get(f"{url}/superset/dashboard/customer-engagement/")
        charts = _wait(driver, lambda: _rendered(driver), "the five charts to render")
        time.sleep(2)  # ECharts' entry animations, for a screenshot of the drawn charts
        driver.save_screenshot(str(SCREENSHOTS / "customer_engagement.png"))

    by_name = {chart["name"]: chart for chart in charts}
    assert by_name["Customers"]["text"].split("\n")[-1] == f"{customers:,}"
    for name, viz_type in CHART_VIZ_TYPES.items():
        chart = by_name[name]
        assert chart["viz_type"] == viz_type
        assert chart["canvases"] >= 1, (name, chart)
        assert chart["alerts"] == 0 and "error" not in chart["text"].lower(), (name, chart)
        assert "no results" not in chart["text"].lower(), (name, chart)


def _rendered(driver) -> list[dict] | None:
    """The dashboard's charts once all five are drawn (an ECharts canvas, the big number's text, or
    an error or empty-result box), else None."""
    charts = driver.execute_script("""
        return Array.from(document.querySelectorAll('[data-test-viz-type]')).map(e => ({
            name: e.getAttribute('data-test-chart-name'),
            viz_type: e.getAttribute('data-test-viz-type'),
            canvases: e.querySelectorAll('canvas').length,
            alerts: e.querySelectorAll('[role=alert], .ant-alert').length,
            text: e.innerText.trim()}))""")
    if len(charts) != 5:
        return None
    for chart in charts:
        text = chart["text"].lower()
        drawn = chart["canvases"] or chart["alerts"] or "no results" in text or "error" in text
        if chart["viz_type"] == "big_number_total":
            drawn = "\n" in chart["text"]
        if not drawn:
            return None
    return charts


def _wait(driver, condition, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / "timeout.png"))
    pytest.fail(f"waited {WAIT_SECONDS} s for {what} (screenshot {SCREENSHOTS / 'timeout.png'})")
