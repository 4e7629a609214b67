"""The Delighted adapter (models/staging/delighted): the hand-written export in
python_tests/fixtures/adapters/delighted (the API's survey responses and people as JSON lines, as
Airbyte's Delighted source writes them, and a few contract files for the customers and orders the
responses are about) through the whole build."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "delighted"
# The CLV backtest needs months of history that a fixture of three customers does not have.
WHOLE_BUILD = ["build", "--exclude", "clv_backtest"]


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("delighted")
    dbt_vars = f"{{feedback_source: delighted, source_data_dirs: {{delighted: {FIXTURE}}}}}"
    run = run_dbt([*WHOLE_BUILD, "--vars", dbt_vars], FIXTURE, work, raw_format="csv")
    assert run.returncode == 0, run.output[-4000:]
    return run


def test_each_response_is_a_feedback_row(fixture_build):
    rows = fixture_build.query("""
        select feedback_id, customer_id, order_id, survey_type, score, comment, channel, language,
            strftime(submitted_ts, '%Y-%m-%d %H:%M:%S')
        from staging.stg_shop__feedback order by feedback_id
    """)
    assert rows == [
        # customer_id as a person property; created_at 1772460005 is 2026-03-02 14:00:05 UTC;
        # exported twice (a note added later): one row
        ("20001", "C001", "O001", "nps", 9, "Muy lindo el collar", "email", "es", "2026-03-02 14:00:05"),
        # the expanded person object's e-mail (Lucia.Perez@example.com) finds C002; locale pt-BR -> pt
        ("20002", "C002", None, "csat", 4, None, "web", "pt", "2026-03-04 09:30:00"),
        # person 1003 is an id: its e-mail in people.jsonl (JOHN.SMITH@example.com) finds C003
        ("20003", "C003", None, "nps", 7, "Arrived on time", "sms", "en", "2026-03-06 18:45:10"),
        # 5star -> product_review and iOS SDK -> app through value_mappings
        ("20006", "C001", "O001", "product_review", 5, "Precioso ✨", "app", "es", "2026-03-09 21:15:00"),
    ]


def test_responses_not_carried_are_rejected_with_their_rule(fixture_build):
    rejected = fixture_build.query("""
        select source_table, record_key, rejection_rule, rejected_column, rejected_value, rejection_category
        from audit.audit_rejected_rows
        where source_table in ('delighted.survey_responses', 'feedback')
        order by source_table, record_key
    """)
    assert rejected == [
        ("delighted.survey_responses", "20001", "duplicate_key_superseded", "id", "20001", "collapsed_duplicate"),
        ("delighted.survey_responses", "20004", "unknown_customer_email", "person", "1004", "rejected"),
        ("delighted.survey_responses", "20005", "survey_type_not_mapped", "survey_type", "ces", "not_mapped"),
        ("delighted.survey_responses", "20008", "missing_customer_identity", "person_properties", None, "rejected"),
        # carried by the adapter, quarantined by the contract's own rules
        ("feedback", "20007", "score_out_of_range", "score", "11", "rejected"),
        ("feedback", "20010", "unknown_enum_value", "channel", "kiosk", "rejected"),
    ]
    # the older version of 20001 is the one superseded
    superseded = fixture_build.query(
        "select raw_record from audit.audit_rejected_rows where rejection_rule = 'duplicate_key_superseded'")[0][0]
    assert '"updated_at":"1772460005"' in superseded


def test_no_email_leaves_staging_in_clear(fixture_build):
    records = [row[0] for row in fixture_build.query(
        "select raw_record from audit.audit_rejected_rows where source_table = 'delighted.survey_responses'")]
    assert records and all("@" not in record for record in records), records
    unmatched = fixture_build.query(
        "select raw_record from audit.audit_rejected_rows where record_key = '20004'")[0][0]
    assert '"respondent_email":"[redacted]"' in unmatched


def test_every_raw_response_is_accounted_for(fixture_build):
    """10 lines: 6 responses carried + 4 rejected by the adapter."""
    raw = fixture_build.query("select count(*) from delighted.survey_responses")[0][0]
    carried = fixture_build.query("select count(*) from staging.stg_delighted__feedback")[0][0]
    rejected = fixture_build.query("select count(*) from staging.stg_delighted__rejected_rows")[0][0]
    assert (raw, carried, rejected) == (10, 6, 4)
    assert "vendor_rows_accounted_for_delighted_survey_responses" in fixture_build.output
