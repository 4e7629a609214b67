"""The HTML report (`engagement-warehouse report`) on the shared test warehouse: one self-contained
file; every chart's data equal to the marts (compared with SQL written here, not with the
report's own queries); rendered by headless Chromium without console errors, a screenshot per
section in target/report_screenshots/; a clear error, and no page, without a warehouse or a mart.
The report adapts: on a copy of the warehouse whose marts fed by events, feedback, marketing spend
and privacy requests are empty every section says "No data: <why>" and draws no plot; on a copy
holding one country the regional section shows that country's states."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest

from engagement_warehouse.cli import main
from engagement_warehouse.report.data import load

from .browser import headless_chromium
from .conftest import MODELS_AND_SEEDS, PROJECT_DIR, BuiltWarehouse, run_dbt

SECTION_IDS = ("cohort-retention", "retention-curves", "cumulative-value", "clv-distribution", "clv-to-cac",
               "regional-engagement", "regional-states", "nps-trend", "csat-trend", "review-trend", "sentiment-evaluation",
               "experiments", "signal-validation", "dynamic-cohorts", "run-history")
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
        self.no_data: dict[str, list[str]] = {}
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
        elif tag == "p" and self._section and attributes.get("class") in ("guide", "definition", "no-data"):
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
        if kind == "section" and self._section and key == "no-data":
            self.no_data.setdefault(self._section, []).append(" ".join(text.split()))
        elif kind == "section" and self._section:
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


def parse(report: Path) -> ReportPage:
    parser = ReportPage()
    parser.feed(report.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def page(report: Path) -> ReportPage:
    return parse(report)


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


def test_as_of_date_is_the_warehouse_data_end_not_a_max_over_orders(built_warehouse: BuiltWarehouse,
                                                                      tmp_path: Path) -> None:
    """The last day of data is decided once (int_data_end) and fct_orders carries it as
    data_end_date; the report takes that column instead of computing max(order_date) again, so the
    orders of the last day missing from fct_orders (deleted here, in a copy) do not move its date."""
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, database)
    with duckdb.connect(str(database)) as con:
        (data_end,) = con.execute("select data_end_date from intermediate.int_data_end").fetchone()
        con.execute("delete from marts.fct_orders where order_date = $day", {"day": data_end})
        (last_order,) = con.execute("select max(order_date) from marts.fct_orders").fetchone()
    assert last_order < data_end
    assert load(database).as_of_date == data_end


# --- the data in the figures are the marts' ------------------------------------------------------

def test_run_history_lines_are_the_row_counts_of_the_history(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    """One line per raw table, a point per recorded run with the rows the run counted; the
    shared warehouse was built once, so one point each and no alert."""
    drawn = {trace["name"]: (trace["customdata"], trace["y"]) for trace in traces(page, "run-history")}
    expected: dict[str, tuple[list, list]] = {}
    for table, run_id, count in rows(marts, """
            select table_name, run_id, row_count from history.row_counts
            where relation_kind = 'source' order by table_name, measured_at"""):
        expected.setdefault(table, ([], []))
        expected[table][0].append(run_id)
        expected[table][1].append(count)
    assert len(expected) == 11 and drawn == {table: (ids, counts) for table, (ids, counts) in expected.items()}
    (runs,) = rows(marts, "select count(*) from history.dbt_runs")
    assert runs == (1,)
    assert page.sections["run-history"]["guide"].startswith(
        f"The latest run ({rows(marts, 'select run_id from history.dbt_runs')[0][0]}) raised no alert.")


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
        select cast(predicted_clv_12m_usd as double) from marts.customer_lifetime_value
        where predicted_clv_12m_usd is not null"""))
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


def test_sentiment_bars_are_sentiment_model_evaluation(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    bars = {trace["meta"]["sentiment_method"]: trace for trace in traces(page, "sentiment-evaluation")}
    assert set(bars) == {"classifier", "lexicon"}
    for method, bar in bars.items():
        expected = rows(marts, f"""
            select language, auc, rated_comments, negative_comments, recall_negative
            from marts.sentiment_model_evaluation where sentiment_method = '{method}' order by language""")
        assert len(expected) >= 2, method  # es and pt at least
        assert bar["x"] == [row[0] for row in expected], method
        assert_same(bar["y"], [row[1] for row in expected])
        assert [c[0] for c in bar["customdata"]] == [row[2] for row in expected]
        assert [c[1] for c in bar["customdata"]] == [row[3] for row in expected]
        assert_same([c[3] for c in bar["customdata"]], [row[4] for row in expected])


def test_experiment_lifts_are_experiment_results(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    drawn = {(trace["meta"]["metric_name"], trace["meta"]["cuped"]): trace for trace in traces(page, "experiments")}
    assert ("retained_30d", False) in drawn and ("retained_30d", True) in drawn
    for (metric, cuped), trace in drawn.items():
        prefix = "cuped_" if cuped else ""
        expected = rows(marts, f"""
            select experiment_id, {prefix}absolute_lift, {prefix}absolute_lift_ci_upper - {prefix}absolute_lift
            from marts.experiment_results
            where not is_control and metric_name = '{metric}' and (metric_name like 'retained_%' or is_primary_metric)
            order by experiment_id, variant""")
        assert trace["meta"]["experiment_ids"] == [row[0] for row in expected], metric
        assert_same(trace["x"], [row[1] for row in expected])
        assert_same(trace["error_x"]["array"], [row[2] for row in expected])


def test_signal_bars_are_engagement_weight_suggestions(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    bars = {trace["meta"]["country_code"]: trace for trace in traces(page, "signal-validation")}
    countries = rows(marts, """
        select country_code, list(signal_name order by retention_lift desc nulls last, signal_name),
            list(retention_lift order by retention_lift desc nulls last, signal_name),
            list(configured_weight order by retention_lift desc nulls last, signal_name)
        from marts.engagement_weight_suggestions group by country_code""")
    assert countries and set(bars) == {country for country, _, _, _ in countries}
    for country, signals, lifts, weights in countries:
        assert bars[country]["x"] == signals, country
        assert_same(bars[country]["y"], lifts)
        assert [float(c[0]) for c in bars[country]["customdata"]] == pytest.approx(weights, abs=0.005)


def test_nps_points_are_feedback_summary(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    lines = {trace["meta"]["country_code"]: trace for trace in traces(page, "nps-trend") if "meta" in trace}
    countries = rows(marts, """
        select country_code, list(strftime(activity_month, '%Y-%m-%d') order by activity_month),
            list(nps order by activity_month)
        from marts.feedback_summary where nps is not null group by country_code""")
    assert set(lines) == {country for country, _, _ in countries} | {"all"}
    for country, months, values in countries:
        x, y = points(lines[country])
        assert x == months, country
        assert_same(y, values)
    overall = rows(marts, """
        select strftime(activity_month, '%Y-%m-%d'),
            100.0 * (sum(promoters) - sum(detractors)) / sum(nps_responses)
        from marts.feedback_summary where nps_responses > 0 group by activity_month order by activity_month""")
    x, y = points(lines["all"])
    assert x == [month for month, _ in overall]
    assert_same(y, [float(value) for _, value in overall], RECOMPUTED)


STATE_SUMS_SQL = """
    with last_month as (select date_trunc('month', max(order_date)) as month from marts.fct_orders)
    select
        country_code,
        state_region,
        cast(sum(net_revenue_usd) as double),
        sum(orders),
        sum(new_customers),
        sum(sessions),
        sum(purchase_sessions) / nullif(sum(sessions), 0),
        sum(whatsapp_sessions) / nullif(sum(sessions), 0)
    from marts.regional_engagement, last_month
    where geo_level = 'state' and activity_month > last_month.month - interval 12 month
        and activity_month <= last_month.month
    group by country_code, state_region"""
REGIONAL_METRICS = ("net_revenue_usd", "orders", "new_customers", "sessions", "conversion_rate",
                    "whatsapp_session_share")


def assert_states_drawn(page: ReportPage, section: str, marts: duckdb.DuckDBPyConnection) -> None:
    """Every measure's bars in `section` are the state sums of regional_engagement, one per state."""
    sums = rows(marts, STATE_SUMS_SQL)
    expected = {metric: {(row[0], row[1]): row[2 + i] for row in sums if row[2 + i] is not None}
                for i, metric in enumerate(REGIONAL_METRICS)}
    drawn: dict[str, dict[tuple[str, str], float]] = {}
    for trace in traces(page, section):
        bars = drawn.setdefault(trace["meta"]["metric"], {})
        for key, value in zip(zip(trace["meta"]["country_codes"], trace["meta"]["states"]), trace["y"]):
            assert key not in bars, f"{key} drawn twice"
            bars[key] = value
    assert drawn.keys() == set(REGIONAL_METRICS)
    for metric in REGIONAL_METRICS:
        assert drawn[metric].keys() == expected[metric].keys(), metric
        for key, value in expected[metric].items():
            assert drawn[metric][key] == pytest.approx(float(value), rel=RECOMPUTED), (metric, key)


def test_regional_states_are_regional_engagement_by_state(page: ReportPage,
                                                          marts: duckdb.DuckDBPyConnection) -> None:
    countries = rows(marts, "select count(distinct country_code) from marts.regional_engagement "
                            "where geo_level = 'state' and country_code != 'unknown'")[0][0]
    assert countries > 1, "the test warehouse should have several countries"
    assert page.sections["regional-engagement"]["heading"] == "Regional engagement by country"
    assert_states_drawn(page, "regional-states", marts)
    # a country's states stand side by side on the axis
    order = page.figures["regional-states"]["layout"]["xaxis"]["categoryarray"]
    countries_in_order = [label.rsplit("(", 1)[1] for label in order]
    assert countries_in_order == sorted(countries_in_order, key=countries_in_order.index)
    blocks = [c for i, c in enumerate(countries_in_order) if i == 0 or c != countries_in_order[i - 1]]
    assert len(blocks) == len(set(blocks))


FEEDBACK_CHARTS = {  # section: (mart column, its answers, the same from fct_feedback over all countries)
    "nps-trend": ("nps", "nps_responses",
                  "100.0 * (count(*) filter (where score >= 9) - count(*) filter (where score <= 6)) / count(*)",
                  "nps"),
    "csat-trend": ("csat_satisfied_rate", "csat_responses", "avg(case when score >= 4 then 1.0 else 0.0 end)",
                   "csat"),
    "review-trend": ("average_review_rating", "reviews", "avg(score)", "product_review"),
}


@pytest.mark.parametrize("section", ["csat-trend", "review-trend", "nps-trend"])
def test_feedback_trend_points_are_feedback_summary(page: ReportPage, marts: duckdb.DuckDBPyConnection,
                                                    section: str) -> None:
    column, answers, overall_sql, survey_type = FEEDBACK_CHARTS[section]
    lines = {trace["meta"]["country_code"]: trace for trace in traces(page, section)}
    countries = rows(marts, f"""
        select country_code, list(strftime(activity_month, '%Y-%m-%d') order by activity_month),
            list({column} order by activity_month)
        from marts.feedback_summary where {answers} > 0 group by country_code""")
    assert len(countries) > 1
    assert set(lines) == {country for country, _, _ in countries} | {"all"}
    for country, months, values in countries:
        x, y = points(lines[country])
        assert x == months, country
        assert_same(y, values)
    # all countries, from the answers themselves rather than from the summary
    overall = rows(marts, f"""
        select strftime(submitted_month, '%Y-%m-%d'), {overall_sql}
        from marts.fct_feedback where survey_type = '{survey_type}'
        group by submitted_month order by submitted_month""")
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


def test_dynamic_cohort_bars_are_the_cohort_marts(page: ReportPage, marts: duckdb.DuckDBPyConnection) -> None:
    """Per cohort and window: retention from the summed counts of cohort_entry_outcomes, spells and
    current members counted on cohort_membership_spells (issue 21)."""
    bars = {trace["meta"]["window_days"]: trace for trace in traces(page, "dynamic-cohorts")}
    assert set(bars) == {30, 90}
    for days, trace in bars.items():
        expected = marts.execute(f"""
            select spells.cohort_name, spells.spells, spells.current_members,
                outcomes.retained / nullif(outcomes.eligible, 0)
            from (select cohort_name, count(*) as spells, count(*) filter (where exited_on is null) as current_members
                  from marts.cohort_membership_spells group by cohort_name) as spells
            left join (select cohort_name, sum(retained_entries_{days}d) as retained,
                           sum(eligible_entries_{days}d) as eligible
                       from marts.cohort_entry_outcomes group by cohort_name) as outcomes
                on spells.cohort_name = outcomes.cohort_name
            order by spells.cohort_name
        """).fetchall()
        assert expected and trace["x"] == [cohort for cohort, *_ in expected]
        for (cohort, spells, current, rate), y, custom in zip(expected, trace["y"], trace["customdata"]):
            assert (custom[0], custom[2]) == (spells, current), cohort
            assert (y is None) == (rate is None) and (rate is None or abs(y - rate) < RECOMPUTED), cohort


# --- the report adapts to the data ---------------------------------------------------------------

EMPTIED_SOURCES = ("events", "feedback", "marketing_spend", "privacy_requests")
# Each section's "No data" message on the emptied warehouse (regional-states is left out: it only
# exists when the data has several countries).
EMPTY_MESSAGES = {
    "cohort-retention": "No data: no complete cohort month in cohort_retention",
    "retention-curves": "No data: no retention curve in retention_curves",
    "cumulative-value": "No data: no complete cohort month in cohort_retention",
    "clv-distribution": "No data: no customer in customer_lifetime_value",
    "clv-to-cac": "No data: no row in clv_cac_by_channel",
    "regional-engagement": "No data: no order, session or answer in regional_engagement",
    "nps-trend": "No data: no NPS answer in feedback_summary",
    "csat-trend": "No data: no CSAT answer in feedback_summary",
    "review-trend": "No data: no product review in feedback_summary",
    "sentiment-evaluation": "No data: no comment in sentiment_model_evaluation (the feedback data holds no comment)",
    # experiment_results reads the sessionized events (device owners, engagement score)
    "experiments": "No data: no experiment in experiment_results",
    "signal-validation": "No data: no row in engagement_weight_suggestions",
    "dynamic-cohorts": "No data: no spell in cohort_membership_spells",
}


def marts_fed_by(manifest: Path, sources: tuple[str, ...]) -> set[str]:
    """The marts downstream of the staging models of `sources`, from dbt's lineage."""
    nodes = json.loads(manifest.read_text())
    children, by_id = nodes["child_map"], nodes["nodes"]
    pending = [uid for uid, node in by_id.items() if node["name"] in {f"stg_shop__{s}" for s in sources}]
    assert len(pending) == len(sources)
    reached: set[str] = set()
    while pending:
        for child in children.get(pending.pop(), []):
            if child.startswith("model.") and child not in reached:
                reached.add(child)
                pending.append(child)
    return {by_id[uid]["alias"] for uid in reached if by_id[uid]["schema"] == "marts"}


def report_on(database: Path, out: Path) -> ReportPage:
    assert main(["report", "--database", str(database), "--out", str(out)]) == 0
    return parse(out)


@pytest.fixture(scope="module")
def emptied(built_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A copy of the warehouse whose marts fed by events, feedback, marketing spend and privacy
    requests hold no row; the report on it."""
    work = tmp_path_factory.mktemp("emptied")
    database = work / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, database)
    emptied = marts_fed_by(built_warehouse.work_dir / "target" / "manifest.json", EMPTIED_SOURCES)
    with duckdb.connect(str(database)) as con:
        for mart in sorted(emptied):
            con.execute(f"delete from marts.{mart}")
        assert all(con.execute(f"select count(*) from marts.{m}").fetchone()[0] == 0 for m in emptied)
        assert con.execute("select count(*) from marts.fct_orders").fetchone()[0] > 0
    out = work / "report" / "index.html"
    report_on(database, out)
    return out, emptied


def test_report_on_empty_marts_says_no_data_in_each_section(emptied: tuple[Path, set[str]]) -> None:
    report, marts = emptied
    assert {"fct_sessions", "fct_feedback", "feedback_summary", "marketing_performance", "clv_cac_by_channel",
            "regional_engagement"} <= marts
    page = parse(report)
    # the run history is the build's, not the marts': emptied marts leave it drawn
    assert set(page.sections) == set(EMPTY_MESSAGES) | {"run-history"}
    for section, message in EMPTY_MESSAGES.items():
        assert [text.startswith(message) for text in page.no_data.get(section, [])] == [True], section
        assert section not in page.figures, f"{section} embeds a figure without data"

    from selenium.webdriver.common.by import By

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    with headless_chromium(width=1400, height=900) as driver:
        driver.get(report.as_uri())
        for section, message in EMPTY_MESSAGES.items():
            element = driver.find_element(By.ID, section)
            (shown,) = element.find_elements(By.CSS_SELECTOR, ".no-data")
            assert shown.is_displayed() and shown.text.startswith(message), section
            assert element.find_elements(By.CSS_SELECTOR, ".plot, .main-svg") == [], f"{section} draws a plot"
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
            assert element.screenshot(str(SCREENSHOT_DIR / f"empty-{section}.png")), section
        severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert severe == [], severe


def test_report_built_from_empty_sources_keeps_what_orders_give(built_warehouse: BuiltWarehouse,
                                                                 tmp_path: Path) -> None:
    """A real build whose events, feedback, marketing spend and privacy requests files hold no row:
    the order-based charts stay, the regional chart offers its order measures and says the session
    measures have no data, CLV:CAC and the feedback trends say why they are empty."""
    raw = tmp_path / "raw"
    raw.mkdir()
    with duckdb.connect() as con:
        for source in built_warehouse.raw_dir.glob("*.parquet"):
            limit = " limit 0" if source.stem in EMPTIED_SOURCES else ""
            con.execute(f"copy (select * from read_parquet('{source}'){limit}) to '{raw / source.name}' "
                        "(format parquet)")
    # still the generator's data (its FX rates are the demo seed's): keep its marker
    shutil.copy(built_warehouse.raw_dir / "_generation.json", raw)
    build = run_dbt(MODELS_AND_SEEDS, raw, tmp_path / "build")
    assert build.returncode == 0, build.output[-3000:]
    assert build.query("select count(*), sum(sessions) from marts.regional_engagement")[0][1] == 0
    page = report_on(build.database, tmp_path / "report" / "index.html")
    for section in ("cohort-retention", "retention-curves", "cumulative-value", "clv-distribution"):
        assert section in page.figures and section not in page.no_data, section
    for section in ("regional-engagement", "regional-states"):
        drawn = {trace["meta"]["metric"] for trace in traces(page, section)}
        assert drawn == {"net_revenue_usd", "orders", "new_customers"}, section
        (message,) = page.no_data[section]
        assert message.startswith("No data: Sessions, Conversion rate, WhatsApp share: no session"), message
    assert page.no_data["clv-to-cac"] == [
        f"No data: no marketing spend in clv_cac_by_channel for the 365 days up to {page_as_of(page)}, "
        "so no CAC and no CLV:CAC."]
    for section in ("clv-to-cac", "nps-trend", "csat-trend", "review-trend"):
        assert section not in page.figures and page.no_data[section], section


def page_as_of(page: ReportPage) -> str:
    return re.search(r"Data as of (\d{4}-\d\d-\d\d)", page.header_texts["data-as-of"]).group(1)


ONE_COUNTRY = "BR"


@pytest.fixture(scope="module")
def one_country(built_warehouse: BuiltWarehouse,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, duckdb.DuckDBPyConnection]]:
    """A copy of the warehouse where every mart row with a country, or a country segment, is of
    Brazil; the report on it and the copy, read-only."""
    work = tmp_path_factory.mktemp("one_country")
    database = work / "warehouse.duckdb"
    shutil.copy(built_warehouse.database, database)
    with duckdb.connect(str(database)) as con:
        for table, column in con.execute("""
                select table_name, column_name from duckdb_columns()
                where schema_name = 'marts' and column_name in ('country_code', 'segment_type')""").fetchall():
            if column == "country_code":
                con.execute(f"delete from marts.{table} where country_code is distinct from $code",
                            {"code": ONE_COUNTRY})
            else:
                con.execute(f"delete from marts.{table} where segment_type = 'country' and segment_value != $code",
                            {"code": ONE_COUNTRY})
    out = work / "report" / "index.html"
    report_on(database, out)
    con = duckdb.connect(str(database), read_only=True)
    yield out, con
    con.close()


def test_one_country_report_shows_its_states(one_country: tuple[Path, duckdb.DuckDBPyConnection]) -> None:
    report, marts = one_country
    page = parse(report)
    states = rows(marts, "select count(distinct state_region) from marts.regional_engagement "
                         "where geo_level = 'state' and country_code = 'BR'")[0][0]
    assert states >= 5
    assert page.sections["regional-engagement"]["heading"] == "Regional engagement by state: Brazil"
    assert "regional-states" not in page.sections
    assert "With one country in the data the section shows its states" in page.sections[
        "regional-engagement"]["definition"]
    assert_states_drawn(page, "regional-engagement", marts)
    (net_revenue,) = [t for t in traces(page, "regional-engagement") if t["meta"]["metric"] == "net_revenue_usd"]
    assert len(net_revenue["x"]) == states and "São Paulo" in net_revenue["x"]
    # one country: its line only, no all-countries line repeating it
    for section in ("nps-trend", "csat-trend", "review-trend"):
        assert [t["meta"]["country_code"] for t in traces(page, section)] == ["BR"], section

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with headless_chromium(width=1400, height=1000) as driver:
        driver.get(report.as_uri())
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(
            "return document.querySelectorAll('#regional-engagement .main-svg').length > 0"))
        ticks = driver.execute_script(
            "return [...document.querySelectorAll('#regional-engagement .xtick text')].map(t => t.textContent)")
        assert set(ticks) == set(net_revenue["x"])
        element = driver.find_element(By.ID, "regional-engagement")
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        assert element.screenshot(str(SCREENSHOT_DIR / "one-country-regional-engagement.png"))
