"""The dbt side of the quality guard works: a build on data with many bad rows completes with
every bad row accounted for, and a mart corrupted after the build makes the dbt tests fail with
the model, the column and the rule named, in the output and in the failures stored in audit."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from engagement_warehouse.generator import generate

from .conftest import run_dbt

RULE_OF_KIND = {"duplicate": "duplicate_key_superseded"}


@pytest.fixture(scope="module")
def dirty_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("guard")
    report = generate(work / "raw", scale=0.005, seed=21, bad_row_share=0.02)
    built = run_dbt(["build"], work / "raw", work / "build")
    return report, built, work


def test_a_build_on_dirty_data_completes_and_accounts_for_every_bad_row(dirty_build):
    report, built, _ = dirty_build
    assert built.returncode == 0, built.output[-3000:]
    unaccounted = built.query("select source_table, unaccounted_rows from audit.audit_source_reconciliation "
                              "where unaccounted_rows != 0")
    assert unaccounted == []
    rejected = dict(((table, rule), count) for table, rule, count in built.query(
        "select source_table, rejection_rule, count(*) from audit.audit_rejected_rows group by all"))
    for table, kinds in report.bad_rows.items():
        for kind, planted in kinds.items():
            # at least the planted rows; rows referring to a rejected row are rejected too
            assert rejected.get((table, RULE_OF_KIND.get(kind, kind)), 0) >= planted, (table, kind)


def test_a_corrupted_mart_fails_the_dbt_tests_naming_model_column_and_rule(dirty_build):
    _, built, work = dirty_build
    corrupted = work / "corrupted"
    corrupted.mkdir()
    shutil.copy(built.database, corrupted / "warehouse.duckdb")
    with duckdb.connect(str(corrupted / "warehouse.duckdb")) as con:
        con.execute("update marts.fct_orders set net_revenue_usd = -5 where order_id = (select min(order_id) "
                    "from marts.fct_orders)")
        con.execute("insert into marts.dim_customers select * from marts.dim_customers limit 1")
        con.execute("update marts.cohort_retention set retention_rate = 1.5 where period_number = 3 and "
                    "cohort_start = (select min(cohort_start) from marts.cohort_retention) and segment_type = 'all' "
                    "and cohort_grain = 'month'")
        con.execute("update marts.fct_feedback set sentiment_label = 'write to ana.silva@example.com' "
                    "where feedback_id = (select min(feedback_id) from marts.fct_feedback)")
        # rules the GX checkpoint held until issue 17: a row count against staging, a hash format,
        # a not-null, a rule between columns and a total across marts
        con.execute("delete from marts.fct_order_items where order_item_id = (select min(order_item_id) "
                    "from marts.fct_order_items)")
        con.execute("update marts.dim_customers set email_hash = 'not-a-hash' where customer_id = (select "
                    "min(customer_id) from marts.dim_customers where email_hash is not null)")
        con.execute("update marts.fct_sessions set platform = null, is_bounce = true, events = events + 1 "
                    "where session_id = (select "
                    "min(session_id) from marts.fct_sessions where events > 1)")
    tested = run_dbt(["test", "--select", "marts", "no_mart_holds_personal_data"], work / "raw", corrupted)
    assert tested.returncode != 0
    for failing_test in ("amounts_are_not_negative_fct_orders_ ", "unique_dim_customers_customer_id ",
                         "rates_are_between_0_and_1_cohort_retention_revenue_retention_rate ",
                         "no_mart_holds_personal_data ",
                         "row_count_compared_fct_order_items_ref_stg_shop__order_items_ ",
                         "matches_regex_dim_customers_email_hash___0_9a_f_64_ ", "not_null_fct_sessions_platform ",
                         "expression_is_true_fct_sessions_not_coalesce_is_bounce_false_or_events_1 ",
                         "mart_totals_add_up_to_what_they_count "):
        assert f"Failure in test {failing_test}" in tested.output, failing_test
    stored = tested.query("select column_name, rule, failing_value from audit.amounts_are_not_negative_fct_orders_")
    assert stored == [("net_revenue_usd", "amount must not be negative", -5.0)]
    # dbt shortens a long test name into the name of its failures view
    # (cohort_entry_outcomes' rate test, named in full, starts the same way)
    view = tested.query("select view_name from duckdb_views() where schema_name = 'audit' "
                        "and view_name like 'rates_are_between_0_and_1_coho%' "
                        "and view_name not like 'rates_are_between_0_and_1_cohort_entry_outcomes%'")[0][0]
    stored = tested.query(f"select column_name, rule, failing_value from audit.{view}")
    assert stored == [("retention_rate", "rate must be between 0 and 1", 1.5)]
    stored = tested.query("select mart, column_name, personal_data_kind from audit.no_mart_holds_personal_data")
    assert stored == [("fct_feedback", "sentiment_label", "email")]
