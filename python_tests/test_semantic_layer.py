"""The MetricFlow semantic layer (models/semantic): `mf query` answers every metric of the semantic
manifest, and its numbers match SQL written straight against the marts (to the cent for money,
1e-9 for rates and other ratios).

How `mf` finds its inputs (dbt-metricflow 0.15, MetricFlow 0.213): it reads
`target/semantic_manifest.json` under the dbt project folder (DBT_PROJECT_DIR, else the working
directory), whatever DBT_TARGET_PATH or --target-path said when dbt wrote it, and it runs no
`dbt parse` itself; before a query it runs `dbt debug` on that folder and connects through the dbt
profile (DBT_PROFILES_DIR), opening the DuckDB file read-write. So these tests give it a project
folder of their own, holding only dbt_project.yml and the semantic manifest written by the shared
build, and a copy of the shared warehouse: nothing is written to the project, its target/ or the
shared warehouse. Each `mf` call costs several seconds of start-up, so metrics are batched per
group-by: five calls in all."""

from __future__ import annotations

import csv
import json
import math
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from .conftest import PROJECT_DIR, BuiltWarehouse, dbt_env

MF = str(Path(sys.executable).with_name("mf"))
CENT = Decimal("0.005")


@dataclass
class SemanticLayer:
    project: Path
    database: Path
    env: dict[str, str]
    metrics: list[str]
    out_dir: Path

    def run(self, metrics: list[str], group_by: list[str] = (), target: str | None = None
            ) -> tuple[subprocess.CompletedProcess, Path]:
        """`mf query --csv` on the profile's default target, or on `target` (DBT_TARGET)."""
        out = self.out_dir / f"query_{len(list(self.out_dir.iterdir()))}.csv"
        args = [MF, "query", "--metrics", ",".join(metrics), "--csv", str(out), "--quiet"]
        if group_by:
            args += ["--group-by", ",".join(group_by)]
        env = {**self.env, "DBT_TARGET": target} if target else self.env
        started = time.perf_counter()
        completed = subprocess.run(args, cwd=self.project, env=env, capture_output=True, text=True,
                                   timeout=300)
        seconds = time.perf_counter() - started
        print(f"mf query {','.join(metrics)} by {','.join(group_by) or '-'}: {seconds:.1f} s")
        return completed, out

    def query(self, metrics: list[str], group_by: list[str] = (), target: str | None = None
              ) -> list[dict[str, str]]:
        """Rows of `mf query --csv` as dicts of text ('' for null)."""
        completed, out = self.run(metrics, group_by, target)
        assert completed.returncode == 0 and out.exists(), (completed.stdout + completed.stderr)[-3000:]
        with out.open(newline="") as handle:
            return list(csv.DictReader(handle))

    def sql(self, statement: str) -> list[tuple]:
        # opened and closed per statement: an open connection would lock mf out of the file
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.execute(statement).fetchall()


@pytest.fixture(scope="module")
def semantic_layer(built_warehouse: BuiltWarehouse, tmp_path_factory: pytest.TempPathFactory) -> SemanticLayer:
    work = tmp_path_factory.mktemp("semantic_layer")
    project = work / "mf_project"
    (project / "target").mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "dbt_project.yml", project / "dbt_project.yml")
    manifest = built_warehouse.work_dir / "target" / "semantic_manifest.json"
    shutil.copy(manifest, project / "target" / "semantic_manifest.json")
    shutil.copy(built_warehouse.database, work / "warehouse.duckdb")
    (work / "csv").mkdir()
    env = {**dbt_env(built_warehouse.raw_dir, work), "DBT_PROJECT_DIR": str(project),
           "DBT_LOG_PATH": str(work / "logs")}
    metrics = sorted(metric["name"] for metric in json.loads(manifest.read_text())["metrics"])
    return SemanticLayer(project, work / "warehouse.duckdb", env, metrics, work / "csv")


def key(*values: object) -> tuple[str, ...]:
    """A group-by key as mf's CSV writes it: text, '' for null, a time as its date."""
    return tuple("" if value is None else str(value)[:10] for value in values)


def number(text: str) -> float | None:
    return float(text) if text != "" else None


def money(text: str) -> Decimal | None:
    return Decimal(text) if text != "" else None


def assert_ratio(actual: float | None, expected: float | None, what: str) -> None:
    if expected is None:
        assert actual is None, f"{what}: {actual}, expected null"
    else:
        assert actual is not None and math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9), \
            f"{what}: {actual}, expected {expected}"


def assert_money(actual: Decimal | float | None, expected: Decimal | float | None, what: str) -> None:
    if expected is None:
        assert actual is None, f"{what}: {actual}, expected null"
    else:
        assert actual is not None and abs(Decimal(str(actual)) - Decimal(str(expected))) < CENT, \
            f"{what}: {actual}, expected {expected}"


def test_order_and_customer_metrics_by_month_and_country(semantic_layer):
    rows = semantic_layer.query(
        ["net_revenue", "orders", "average_order_value", "active_customers", "new_customers",
         "repeat_purchase_rate", "customers"],
        ["metric_time__month", "country"],
    )
    orders = {
        key(month, country): values
        for month, country, *values in semantic_layer.sql("""
            select
                cast(date_trunc('month', order_date) as date),
                country_code,
                sum(net_revenue_usd),
                count(*),
                count(distinct person_key),
                count(distinct case when is_first_confirmed_order then person_key end),
                count(distinct case when confirmed_order_sequence > 1 then person_key end)
            from marts.fct_orders
            where is_confirmed_order
            group by 1, 2
        """)
    }
    customers = {
        key(month, country): persons
        for month, country, persons in semantic_layer.sql("""
            select cast(date_trunc('month', signup_date) as date), country_code, count(distinct person_key)
            from marts.dim_customers
            group by 1, 2
        """)
    }
    got = {key(row["metric_time__month"], row["country"]): row for row in rows}
    assert set(got) == set(orders) | set(customers)
    for group, row in got.items():
        # a month and country with sign-ups but no confirmed order: the counts are filled with 0
        revenue, order_count, active, new, repeat = orders.get(group, (Decimal(0), 0, 0, 0, 0))
        assert_money(money(row["net_revenue"]), revenue, f"net_revenue {group}")
        assert number(row["orders"]) == order_count, group
        assert number(row["active_customers"]) == active, group
        assert number(row["new_customers"]) == new, group
        assert number(row["customers"]) == customers.get(group, 0), group
        assert_ratio(number(row["average_order_value"]),
                     float(revenue) / order_count if order_count else None, f"average_order_value {group}")
        # repeat customers over active customers of the month (0 when nobody came back)
        assert_ratio(number(row["repeat_purchase_rate"]), repeat / active if active else None,
                     f"repeat_purchase_rate {group}")


def test_nps_and_csat_by_country(semantic_layer):
    rows = semantic_layer.query(["nps", "csat", "nps_responses"], ["country"])
    # feedback_summary's own counts, summed over its months
    expected = {
        country: (responses, nps, csat)
        for country, responses, nps, csat in semantic_layer.sql("""
            select
                country_code,
                sum(nps_responses),
                100.0 * (sum(promoters) - sum(detractors)) / nullif(sum(nps_responses), 0),
                cast(sum(csat_satisfied) as double) / nullif(sum(csat_responses), 0)
            from marts.feedback_summary
            group by country_code
        """)
    }
    got = {key(row["country"])[0]: row for row in rows}
    assert set(got) == {key(country)[0] for country in expected}
    assert any(nps is not None for _, nps, _ in expected.values())
    for country, (responses, nps, csat) in expected.items():
        row = got[key(country)[0]]
        assert number(row["nps_responses"]) == responses, country
        assert_ratio(number(row["nps"]), None if nps is None else float(nps), f"nps {country}")
        assert_ratio(number(row["csat"]), csat, f"csat {country}")


def test_cac_and_predicted_clv_by_acquisition_channel(semantic_layer):
    rows = semantic_layer.query(
        ["cac", "marketing_spend", "acquired_customers", "predicted_clv", "average_predicted_clv"],
        ["acquisition_channel"],
    )
    marketing = {
        channel: (spend, new_customers, cac)
        for channel, spend, new_customers, cac in semantic_layer.sql("""
            select acquisition_channel, sum(spend_usd), sum(new_customers),
                   cast(nullif(sum(spend_usd), 0) as double) / nullif(sum(new_customers), 0)
            from marts.marketing_performance
            group by acquisition_channel
        """)
    }
    clv = {
        channel: (total, average)
        for channel, total, average in semantic_layer.sql("""
            select acquisition_channel, sum(predicted_clv_12m_usd), avg(predicted_clv_12m_usd)
            from marts.customer_lifetime_value
            group by acquisition_channel
        """)
    }
    got = {row["acquisition_channel"]: row for row in rows}
    assert set(got) == set(marketing) | set(clv)
    assert any(total is not None for total, _ in clv.values()), "the CLV model is not fitted on the test data"
    for channel, row in got.items():
        spend, new_customers, cac = marketing.get(channel, (Decimal(0), 0, None))
        total, average = clv.get(channel, (None, None))
        assert_money(money(row["marketing_spend"]), spend, f"marketing_spend {channel}")
        assert number(row["acquired_customers"]) == new_customers, channel
        assert_ratio(number(row["cac"]), cac, f"cac {channel}")
        assert_money(number(row["predicted_clv"]), total, f"predicted_clv {channel}")
        assert_ratio(number(row["average_predicted_clv"]), average, f"average_predicted_clv {channel}")


def test_retention_rate_by_period_is_the_customer_weighted_curve(semantic_layer):
    rows = semantic_layer.query(
        ["retention_rate", "cohort_customers", "retained_customers", "weekly_retention_rate"],
        ["cohort__period_number"],
    )
    got = {int(row["cohort__period_number"]): row for row in rows}
    # the curve as the mart computes it, and the same weighting written out on cohort_retention
    curves = {
        (grain, period): (customers, active, rate)
        for grain, period, customers, active, rate in semantic_layer.sql("""
            select cohort_grain, period_number, customers, active_customers, retention_rate
            from marts.retention_curves
            where segment_type = 'all'
        """)
    }
    weighted = dict(semantic_layer.sql("""
        select cohort_grain || ':' || period_number, cast(sum(active_customers) as double) / sum(cohort_size)
        from marts.cohort_retention
        where segment_type = 'all' and not is_partial_period
        group by cohort_grain, period_number
    """))
    periods = {period for _, period in curves}
    assert set(got) == periods and {1, 3} <= periods
    for period, row in got.items():
        month = curves.get(("month", period))
        week = curves.get(("week", period))
        if month is None:
            assert row["retention_rate"] == "" and row["cohort_customers"] == "", period
        else:
            customers, active, rate = month
            assert number(row["cohort_customers"]) == customers, period
            assert number(row["retained_customers"]) == active, period
            assert_ratio(number(row["retention_rate"]), rate, f"retention_rate period {period}")
            assert_ratio(number(row["retention_rate"]), weighted[f"month:{period}"], f"retention_rate {period}")
        assert_ratio(number(row["weekly_retention_rate"]), None if week is None else week[2],
                     f"weekly_retention_rate period {period}")
    assert number(got[0]["retention_rate"]) == 1.0


def test_every_metric_of_the_semantic_manifest_answers_by_month(semantic_layer):
    metrics = semantic_layer.metrics
    assert {"customers", "new_customers", "active_customers", "orders", "net_revenue", "average_order_value",
            "repeat_purchase_rate", "retention_rate", "nps", "csat", "engagement_score", "cac",
            "predicted_clv"} <= set(metrics)
    rows = semantic_layer.query(metrics, ["metric_time__month"])
    assert rows and set(rows[0]) == {"metric_time__month", *metrics}
    empty = [metric for metric in metrics if all(row[metric] == "" for row in rows)]
    assert not empty, f"metrics without a value in any month: {empty}"
    # engagement_score (not checked elsewhere): the mean score of the month's engaged persons
    expected = dict(semantic_layer.sql("""
        select cast(activity_month as varchar), avg(engagement_score)
        from marts.customer_engagement_monthly
        group by activity_month
    """))
    scored = {row["metric_time__month"][:10]: number(row["engagement_score"]) for row in rows
              if row["engagement_score"] != ""}
    assert scored.keys() == expected.keys()
    for month, score in scored.items():
        assert_ratio(score, expected[month], f"engagement_score {month}")


def test_the_read_only_target_answers_while_another_reader_holds_the_file(semantic_layer):
    """A BI tool or notebook holding the file read-only locks out a read-write connection, which
    the default target (prod) opens; the prod_read_only target opens it read-only beside them."""
    with duckdb.connect(str(semantic_layer.database), read_only=True) as reader:
        confirmed = reader.execute("select count(*) from marts.fct_orders where is_confirmed_order").fetchone()[0]
        locked_out, _ = semantic_layer.run(["orders"])
        assert locked_out.returncode != 0
        assert "Could not set lock on file" in locked_out.stdout + locked_out.stderr
        rows = semantic_layer.query(["orders"], target="prod_read_only")
    assert confirmed > 0
    assert rows == [{"orders": str(confirmed)}]


def test_every_mf_query_of_the_readme_answers(semantic_layer):
    """The README's `mf query` examples group each metric only by dimensions it has."""
    import shlex

    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    examples = [shlex.split(line.strip())[2:] for line in readme.splitlines()
                if line.strip().startswith(".venv/bin/mf query ")]
    assert len(examples) >= 3 and any("cac" in " ".join(example) for example in examples)
    for example in examples:
        out = semantic_layer.out_dir / f"readme_{len(list(semantic_layer.out_dir.iterdir()))}.csv"
        completed = subprocess.run([MF, "query", *example, "--csv", str(out), "--quiet"], cwd=semantic_layer.project,
                                   env=semantic_layer.env, capture_output=True, text=True, timeout=300)
        assert completed.returncode == 0 and out.exists(), (" ".join(example), (completed.stdout + completed.stderr)[-2000:])
        with out.open(newline="") as handle:
            assert list(csv.DictReader(handle)), " ".join(example)


def test_dynamic_cohort_metrics_by_cohort(semantic_layer):
    """The dynamic cohorts' metrics (issue 21) against SQL on cohort_membership_spells and
    cohort_entry_outcomes, per cohort."""
    spells = {row["cohort_spell__cohort_name"]: row for row in semantic_layer.query(
        ["cohort_entries", "current_cohort_members"], ["cohort_spell__cohort_name"])}
    expected = {cohort: (entries, current) for cohort, entries, current in semantic_layer.sql("""
        select cohort_name, count(*), count(*) filter (where exited_on is null)
        from marts.cohort_membership_spells group by cohort_name
    """)}
    assert expected and spells.keys() == expected.keys()
    for cohort, (entries, current) in expected.items():
        assert number(spells[cohort]["cohort_entries"]) == entries, cohort
        assert number(spells[cohort]["current_cohort_members"] or "0") == current, cohort
    outcomes = {row["cohort_entry_month__cohort_name"]: row for row in semantic_layer.query(
        ["cohort_entry_retention_30d", "cohort_entry_retention_90d", "cohort_net_revenue_after_entry"],
        ["cohort_entry_month__cohort_name"])}
    for cohort, revenue, retained_30, eligible_30, retained_90, eligible_90 in semantic_layer.sql("""
        select cohort_name, sum(net_revenue_usd_after_entry), sum(retained_entries_30d),
            sum(eligible_entries_30d), sum(retained_entries_90d), sum(eligible_entries_90d)
        from marts.cohort_entry_outcomes group by cohort_name
    """):
        row = outcomes[cohort]
        assert_money(money(row["cohort_net_revenue_after_entry"]), revenue, f"revenue after entry {cohort}")
        assert_ratio(number(row["cohort_entry_retention_30d"]), retained_30 / eligible_30 if eligible_30 else None,
                     f"retention 30d {cohort}")
        assert_ratio(number(row["cohort_entry_retention_90d"]), retained_90 / eligible_90 if eligible_90 else None,
                     f"retention 90d {cohort}")


def test_experiment_metrics_by_experiment_and_variant(semantic_layer):
    """The experiments' metrics (issue 21) against SQL on experiment_health and experiment_results,
    per experiment and variant (and metric): a mismatch flagged twice, once per variant, or a lift
    averaged over the wrong rows shows here (review of issue 21: these four had no value test)."""
    units = {(row["experiment_variant__experiment_id"], row["experiment_variant__variant"]): row
             for row in semantic_layer.query(
                 ["experiment_units", "experiments_with_sample_ratio_mismatch"],
                 ["experiment_variant__experiment_id", "experiment_variant__variant"])}
    expected = {(experiment, variant): (assigned, int(flagged)) for experiment, variant, assigned, flagged in
                semantic_layer.sql("""
                    select experiment_id, variant, assigned_units, has_sample_ratio_mismatch
                    from marts.experiment_health""")}
    assert expected and units.keys() == expected.keys()
    for unit, (assigned, flagged) in expected.items():
        assert number(units[unit]["experiment_units"]) == assigned, unit
        assert number(units[unit]["experiments_with_sample_ratio_mismatch"] or "0") == flagged, unit
    # over all experiments: each mismatched experiment once, whatever its number of variants
    (total,) = semantic_layer.query(["experiments_with_sample_ratio_mismatch"])
    ((mismatched,),) = semantic_layer.sql(
        "select count(distinct experiment_id) filter (where has_sample_ratio_mismatch) from marts.experiment_health")
    assert mismatched >= 1 and number(total["experiments_with_sample_ratio_mismatch"]) == mismatched
    results = {(row["experiment_result__experiment_id"], row["experiment_result__variant"],
                row["experiment_result__metric_name"]): row for row in semantic_layer.query(
        ["experiment_eligible_units", "experiment_absolute_lift"],
        ["experiment_result__experiment_id", "experiment_result__variant", "experiment_result__metric_name"])}
    expected_results = {(e, v, m): (eligible, lift) for e, v, m, eligible, lift in semantic_layer.sql("""
        select experiment_id, variant, metric_name, eligible_units, absolute_lift from marts.experiment_results""")}
    assert expected_results and results.keys() == expected_results.keys()
    for result, (eligible, lift) in expected_results.items():
        assert number(results[result]["experiment_eligible_units"]) == eligible, result
        assert_ratio(number(results[result]["experiment_absolute_lift"]), lift, f"absolute lift {result}")
