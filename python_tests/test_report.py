"""The HTML report (`engagement-warehouse report`) on the shared test warehouse: one self-contained
file; every chart's data equal to the marts (compared with SQL written here, not with the
report's own queries); rendered by headless Chromium without console errors, a screenshot per
section in target/report_screenshots/; a clear error, and no page, without a warehouse or a mart."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from engagement_warehouse.cli import main

from .browser import headless_chromium
from .conftest import PROJECT_DIR, BuiltWarehouse

SECTION_IDS = ("cohort-retention", "retention-curves", "cumulative-value", "clv-distribution", "clv-to-cac",
               "regional-engagement", "nps-trend")
SCREENSHOT_DIR = PROJECT_DIR / "target" / "report_screenshots"
# Values the report passes through from the marts come back bit for bit; a few are recomputed
# from the marts' counts (sums over months, all-country NPS), where only the last bits may differ.
SAME = 1e-12
RECOMPUTED = 1e-9


class ReportPage(HTMLParser):
    """What a reader and a browser get from the page: external references, sections with their
    texts, the figures' JSON and the header."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.external: list[str] = []
        self.script_sources: list[str] = []
        self.sections: dict[str, dict[str, str]] = {}
        self.figures: dict[str, dict[str, Any]] = {}
        self.header_texts: dict[str, str] = {}
        self._section: str | None = None
        self._capture: tuple[str, str] | None = None  # (kind, key) of the element whose text is read
        self._text: list[str] = []
        self._figure_target: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        for name in ("src", "href", "data", "poster", "action"):
            value = attributes.get(name, "")
            if re.match(r"\s*(https?:)?//", value):
                self.external.append(f"<{tag} {name}={value}>")
        if tag == "script" and "src" in attributes:
            self.script_sources.append(attributes["src"])
        if tag == "link":
            self.external.append(f"<link href={attributes.get('href')}>")
        if tag == "section":
            self._section = attributes.get("id", "")
            self.sections[self._section] = {}
        elif tag == "h2" and self._section:
            self._start(("section", "heading"))
        elif tag == "p" and self._section and attributes.get("class") in ("guide", "definition"):
            self._start(("section", attributes["class"]))
        elif tag == "p" and attributes.get("id") in ("data-as-of", "generated-at"):
            self._start(("header", attributes["id"]))
        elif tag == "script" and "figure-data" in attributes.get("class", ""):
            self._figure_target = attributes.get("data-target", "")
            self._start(("figure", self._figure_target))

    def _start(self, capture: tuple[str, str]) -> None:
        self._capture, self._text = capture, []

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = None
        if not self._capture or tag not in ("h2", "p", "script"):
            return
        kind, key = self._capture
        text = "".join(self._text)
        if kind == "section" and self._section:
            self.sections[self._section][key] = " ".join(text.split())
        elif kind == "header":
            self.header_texts[key] = " ".join(text.split())
        elif kind == "figure" and tag == "script":
            self.figures[key.removesuffix("-plot")] = json.loads(text)
        self._capture = None


@pytest.fixture(scope="module")
def report(built_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "index.html"
    assert main(["report", "--database", str(built_warehouse.database), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def page(report: Path) -> ReportPage:
    parser = ReportPage()
    parser.feed(report.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def marts(built_warehouse: BuiltWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(built_warehouse.database), read_only=True)
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def traces(page: ReportPage, section: str) -> list[dict[str, Any]]:
    return page.figures[section]["data"]


def assert_same(actual: list, expected: list, tolerance: float = SAME) -> None:
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        if e is None:
            assert a is None
        else:
            assert a == pytest.approx(e, rel=tolerance, abs=tolerance)


# --- the file -----------------------------------------------------------------------------------

def test_report_is_one_self_contained_file(report: Path, page: ReportPage) -> None:
    assert [p.name for p in report.parent.iterdir()] == ["index.html"], "a temporary file was left behind"
    html = report.read_text(encoding="utf-8")
    assert page.script_sources == [] and page.external == [], "the page references files outside itself"
    assert len(re.findall(r"\* plotly\.js v\d", html)) == 1, "plotly.js must be embedded exactly once"
    assert set(page.sections) == set(SECTION_IDS)
    for section_id, texts in page.sections.items():
        assert texts.get("heading") and texts.get("guide") and texts.get("definition"), section_id
        figure = page.figures[section_id]
        assert figure["layout"]["title"]["text"], section_id
        assert figure["layout"]["xaxis"]["title"]["text"] and figure["layout"]["yaxis"]["title"]["text"], section_id
        assert figure["data"], f"{section_id} has no trace"
        assert all(trace.get("hovertemplate") for trace in figure["data"]), f"{section_id}: a trace without hover"


def test_header_shows_the_data_as_of_date_and_the_generation_time(page: ReportPage,
                                                                   marts: duckdb.DuckDBPyConnection) -> None:
    last_order = rows(marts, "select max(order_date) from marts.fct_orders")[0][0]
    assert f"Data as of {last_order.isoformat()}" in page.header_texts["data-as-of"]
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", page.header_texts["generated-at"])


# --- the data in the figures are the marts' ------------------------------------------------------

def test_heat_map_cells_are_cohort_retention(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    (heatmap,) = traces(page, "cohort-retention")
    drawn = {(cohort, period): (rate, tuple(custom) if custom else None)
             for cohort, rates, customs in zip(heatmap["y"], heatmap["z"], heatmap["customdata"])
             for period, rate, custom in zip(heatmap["x"], rates, customs) if rate is not None}
    expected = {(cohort, period): (rate, (active, size)) for cohort, period, rate, active, size in rows(marts, """
        select strftime(cohort_start, '%Y-%m'), period_number, retention_rate, active_customers, cohort_size
        from marts.cohort_retention
        where segment_type = 'all' and cohort_grain = 'month' and not is_partial_period""")}
    assert drawn.keys() == expected.keys()
    for cell, (rate, counts) in expected.items():
        assert drawn[cell][0] == pytest.approx(rate, rel=SAME), cell
        assert drawn[cell][1] == counts, cell


def test_retention_curves_are_retention_curves_and_projection(page: ReportPage,
                                                               marts: duckdb.DuckDBPyConnection) -> None:
    checked = {"observed": 0, "projected": 0}
    for trace in traces(page, "retention-curves"):
        meta = trace["meta"]
        where = (f"cohort_grain = 'month' and segment_type = '{meta['segment_type']}' "
                 f"and segment_value = '{meta['segment_value']}'")
        if meta["series"] == "observed":
            expected = rows(marts, f"select period_number, unbounded_retention_rate from marts.retention_curves "
                                   f"where {where} order by period_number")
        else:
            expected = rows(marts, f"select period_number, projected_survival from marts.retention_projection "
                                   f"where {where} and fit_status in ('fitted', 'fitted_at_bound') "
                                   "order by period_number")
        assert trace["x"] == [period for period, _ in expected]
        assert_same(trace["y"], [value for _, value in expected])
        checked[meta["series"]] += 1
    fitted = rows(marts, """
        select count(*) from marts.retention_projection
        where cohort_grain = 'month' and period_number = 0 and segment_type in ('all', 'loyalty_member')
            and fit_status in ('fitted', 'fitted_at_bound')""")[0][0]
    assert checked["observed"] >= 3 and checked["projected"] >= fitted >= 1


def test_cumulative_value_is_cohort_retention(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    lines = {trace["meta"]["cohort"]: trace for trace in traces(page, "cumulative-value")}
    cohorts = rows(marts, """
        select strftime(cohort_start, '%Y-%m'), list(period_number order by period_number),
            list(cast(cumulative_net_revenue_usd_per_customer as double) order by period_number)
        from marts.cohort_retention
        where segment_type = 'all' and cohort_grain = 'month' and not is_partial_period
        group by cohort_start""")
    assert set(lines) == {cohort for cohort, _, _ in cohorts} | {"all"}
    for cohort, periods, values in cohorts:
        assert lines[cohort]["x"] == periods
        assert_same(lines[cohort]["y"], values)
    overall = rows(marts, """select period_number, cast(cumulative_net_revenue_usd_per_customer as double)
                             from marts.retention_curves
                             where segment_type = 'all' and cohort_grain = 'month' order by period_number""")
    assert lines["all"]["x"] == [period for period, _ in overall]
    assert_same(lines["all"]["y"], [value for _, value in overall])


def test_clv_histogram_holds_every_prediction(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    predictions = sorted(value for (value,) in rows(marts, """
        select predicted_clv_12m_usd from marts.customer_lifetime_value where predicted_clv_12m_usd is not null"""))
    assert predictions, "the test warehouse should have a fitted CLV model"
    (histogram,) = traces(page, "clv-distribution")
    assert histogram["type"] == "histogram"
    assert_same(sorted(histogram["x"]), predictions)


def test_clv_to_cac_bars_are_the_mart_ratios(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    expected = {(country, channel): (ratio, spend, customers) for country, channel, ratio, spend, customers in rows(
        marts, """select country_code, acquisition_channel, clv_to_cac_ratio, cast(spend_usd as double), new_customers
                  from marts.clv_cac_by_channel where clv_to_cac_ratio is not null""")}
    drawn = {}
    for trace in traces(page, "clv-to-cac"):
        for channel, ratio, custom in zip(trace["meta"]["channels"], trace["y"], trace["customdata"]):
            drawn[(trace["meta"]["country_code"], channel)] = (ratio, custom[0], custom[1])
    assert drawn.keys() == expected.keys()
    for key, (ratio, spend, customers) in expected.items():
        assert drawn[key][0] == pytest.approx(ratio, rel=SAME), key
        assert drawn[key][1] == pytest.approx(spend, rel=SAME) and drawn[key][2] == customers, key


def test_regional_bars_are_regional_engagement_over_its_twelve_months(page: ReportPage,
                                                                     marts: duckdb.DuckDBPyConnection) -> None:
    sums = rows(marts, """
        with last_month as (select date_trunc('month', max(order_date)) as month from marts.fct_orders)
        select
            country_code,
            cast(sum(net_revenue_usd) as double),
            sum(orders),
            sum(new_customers),
            sum(sessions),
            sum(purchase_sessions) / nullif(sum(sessions), 0),
            sum(whatsapp_sessions) / nullif(sum(sessions), 0)
        from marts.regional_engagement, last_month
        where geo_level = 'state' and activity_month > last_month.month - interval 12 month
            and activity_month <= last_month.month
        group by country_code""")
    metrics = ("net_revenue_usd", "orders", "new_customers", "sessions", "conversion_rate", "whatsapp_session_share")
    expected = {metric: {row[0]: row[1 + i] for row in sums if row[1 + i] is not None}
                for i, metric in enumerate(metrics)}
    drawn = {trace["meta"]["metric"]: dict(zip(trace["meta"]["country_codes"], trace["y"]))
             for trace in traces(page, "regional-engagement")}
    assert drawn.keys() == set(metrics)
    for metric in metrics:
        assert drawn[metric].keys() == expected[metric].keys(), metric
        for country, value in expected[metric].items():
            assert drawn[metric][country] == pytest.approx(float(value), rel=RECOMPUTED), (metric, country)
        values = list(drawn[metric].values())
        assert values == sorted(values, reverse=True), f"{metric}: bars not sorted"


def test_nps_points_are_feedback_summary(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    lines = {trace["meta"]["country_code"]: trace for trace in traces(page, "nps-trend") if "meta" in trace}
    countries = rows(marts, """
        select country_code, list(strftime(submitted_month, '%Y-%m-%d') order by submitted_month),
            list(nps order by submitted_month)
        from marts.feedback_summary where nps is not null group by country_code""")
    assert set(lines) == {country for country, _, _ in countries} | {"all"}
    for country, months, values in countries:
        x, y = points(lines[country])
        assert x == months, country
        assert_same(y, values)
    overall = rows(marts, """
        select strftime(submitted_month, '%Y-%m-%d'),
            100.0 * (sum(promoters) - sum(detractors)) / sum(nps_responses)
        from marts.feedback_summary where nps_responses > 0 group by submitted_month order by submitted_month""")
    x, y = points(lines["all"])
    assert x == [month for month, _ in overall]
    assert_same(y, [float(value) for _, value in overall], RECOMPUTED)


def points(trace: dict[str, Any]) -> tuple[list, list]:
    """A line's points, without the empty months that break it."""
    drawn = [(x, y) for x, y in zip(trace["x"], trace["y"]) if y is not None]
    return [x for x, _ in drawn], [y for _, y in drawn]


# --- in a browser -------------------------------------------------------------------------------

def test_report_renders_in_chromium_without_console_errors(report: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    # tall enough for the cohort heat map, the tallest section, to fit in one screenshot
    with headless_chromium(width=1400, height=1800) as driver:
        driver.get(report.as_uri())
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(
            "return arguments[0].every(id => document.querySelectorAll('#' + id + ' .main-svg').length > 0)",
            list(SECTION_IDS)))
        rendered = driver.execute_script(
            "return arguments[0].map(id => document.getElementById(id + '-plot').data.length)", list(SECTION_IDS))
        assert all(count > 0 for count in rendered), dict(zip(SECTION_IDS, rendered))

        # the segment buttons of the retention curves switch what is shown
        buttons = driver.find_elements(By.CSS_SELECTOR, "#retention-curves .updatemenu-button")
        assert len(buttons) >= 2
        buttons[1].click()
        WebDriverWait(driver, 10).until(lambda d: d.execute_script(
            "const shown = document.getElementById('retention-curves-plot').data.filter(t => t.visible !== false);"
            "return shown.some(t => t.meta.segment_type === arguments[0])"
            " && shown.every(t => ['all', arguments[0]].includes(t.meta.segment_type))",
            "sub_region"))
        buttons[0].click()

        severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert severe == [], severe
        for section_id in SECTION_IDS:
            element = driver.find_element(By.ID, section_id)
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
            path = SCREENSHOT_DIR / f"{section_id}.png"
            assert element.screenshot(str(path)), section_id
            assert path.stat().st_size > 10_000, f"{path} looks empty"


# --- errors -------------------------------------------------------------------------------------

def test_missing_database_exits_2_with_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.duckdb"
    out = tmp_path / "report" / "index.html"
    assert main(["report", "--database", str(missing), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert f"no warehouse at {missing}" in error and "Traceback" not in error
    assert not out.exists()

    command = subprocess.run([str(Path(sys.executable).with_name("engagement-warehouse")), "report",
                              "--database", str(missing), "--out", str(out)], capture_output=True, text=True)
    assert command.returncode == 2
    assert "no warehouse at" in command.stderr and "Traceback" not in command.stderr
    assert not out.exists()


def test_missing_mart_exits_2_and_keeps_the_previous_report(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "partial.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_orders as select date '2026-01-31' as order_date")
    out = tmp_path / "index.html"
    out.write_text("previous report")
    assert main(["report", "--database", str(database), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "marts.cohort_retention" in error and "marts.fct_orders" not in error and "Traceback" not in error
    assert out.read_text() == "previous report"
