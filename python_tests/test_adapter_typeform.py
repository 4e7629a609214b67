"""The Typeform adapter (models/staging/typeform): the hand-written export in
python_tests/fixtures/adapters/typeform (Responses API items as JSON lines, the forms, and a few
contract files for the customers and orders the responses are about) through the whole build,
and the generator's Typeform layout giving the same stg_shop__feedback as the contract's file."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import generate
from engagement_warehouse.layouts import layout_vars, write_layouts

from .conftest import run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "typeform"
# The CLV backtest needs months of history that a fixture of three customers does not have.
WHOLE_BUILD = ["build", "--exclude", "clv_backtest"]


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("typeform")
    dbt_vars = f"{{feedback_source: typeform, source_data_dirs: {{typeform: {FIXTURE}}}}}"
    run = run_dbt([*WHOLE_BUILD, "--vars", dbt_vars], FIXTURE, work, raw_format="csv")
    assert run.returncode == 0, run.output[-4000:]
    return run


def test_each_answered_score_question_is_a_feedback_row(fixture_build):
    rows = fixture_build.query("""
        select feedback_id, customer_id, order_id, survey_type, score, comment, channel, language,
            strftime(submitted_ts, '%Y-%m-%d %H:%M:%S')
        from staging.stg_shop__feedback order by feedback_id
    """)
    assert rows == [
        # NPS among other questions: the unmapped opinion scale (delivery_speed) is not a row
        ("tf01nps9hidden", "C001", "O001", "nps", 9, "Llegó a tiempo ✨", "email", "es", "2026-03-02 14:00:05"),
        # NPS and CSAT in one response: two rows, the comment on the NPS one; no hidden language,
        # so the form's (pt-BR -> pt)
        ("tf02combined-csat", "C002", "O002", "csat", 4, None, "whatsapp", "pt", "2026-03-05 20:12:31"),
        ("tf02combined-nps", "C002", "O002", "nps", 10, "Amei o brinco! 😍", "whatsapp", "pt", "2026-03-05 20:12:31"),
        # landed twice: one row
        ("tf03csat", "C003", "O003", "csat", 5, None, "app", "en", "2026-03-08 09:01:10"),
        # no hidden customer_id: matched by the e-mail answer ( Lucia.Perez@Example.com ), channel web
        ("tf05emailmatch", "C002", None, "nps", 7, None, "web", "pt", "2026-03-10 11:21:45"),
        # matched by the hidden e-mail; a score of 0 is a score
        ("tf11hiddenemail", "C001", None, "nps", 0, None, "web", "es", "2026-03-15 22:41:30"),
    ]


def test_the_same_export_as_parquet_with_nested_columns_gives_the_same_rows(fixture_build, tmp_path):
    """What Airbyte's S3 / local destination writes in Parquet: answers, hidden and metadata as
    nested structs, submitted_at a timestamp with time zone, numbers as doubles (9.0)."""
    raw = tmp_path / "raw"
    (raw / "typeform").mkdir(parents=True)
    for contract_file in FIXTURE.glob("*.csv"):
        shutil.copy(contract_file, raw / contract_file.name)
    with duckdb.connect() as con:
        for table in ("responses", "forms"):
            source = FIXTURE / f"{table}.jsonl"
            con.execute(f"copy (select * from read_json('{source}', format = 'newline_delimited')) "
                        f"to '{raw / 'typeform' / (table + '.parquet')}'")
        nested = dict(con.execute(f"select column_name, column_type from (describe select * from "
                                  f"'{raw / 'typeform' / 'responses.parquet'}')").fetchall())
    assert nested["answers"].startswith("STRUCT(") and nested["submitted_at"] == "TIMESTAMP WITH TIME ZONE"
    run = run_dbt(["build", "--indirect-selection", "cautious", "--select", "+stg_shop__feedback",
                   "--vars", "{feedback_source: typeform}"], raw, tmp_path / "build", raw_format="csv")
    assert run.returncode == 0, run.output[-3000:]
    query = "select * exclude (submitted_date) from staging.stg_shop__feedback order by feedback_id"
    assert run.query(query) == fixture_build.query(query)
    assert len(run.query(query)) == 6


def test_responses_not_carried_are_rejected_with_their_rule(fixture_build):
    rejected = fixture_build.query("""
        select source_table, record_key, rejection_rule, rejected_column, rejection_category
        from audit.audit_rejected_rows
        where source_table in ('typeform.responses', 'feedback')
        order by source_table, record_key
    """)
    assert rejected == [
        # carried by the adapter, quarantined by the contract's own rules
        ("feedback", "tf08outofrange", "score_out_of_range", "score", "rejected"),
        ("feedback", "tf13decimal", "non_integer_value", "score", "rejected"),
        ("typeform.responses", "tf03csat", "duplicate_key_superseded", "response_id", "collapsed_duplicate"),
        ("typeform.responses", "tf04commentonly", "no_score_answer", "answers", "rejected"),
        ("typeform.responses", "tf06unmatched", "unknown_customer_email", "email", "rejected"),
        ("typeform.responses", "tf07partial", "partial_response", "submitted_at", "rejected"),
        ("typeform.responses", "tf09anonymous", "missing_customer_identity", "hidden", "rejected"),
    ]


def test_no_email_leaves_staging_in_clear(fixture_build):
    records = [row[0] for row in fixture_build.query(
        "select raw_record from audit.audit_rejected_rows where source_table = 'typeform.responses'")]
    assert all("@" not in record for record in records), records
    unmatched = fixture_build.query(
        "select raw_record from audit.audit_rejected_rows where record_key = 'tf06unmatched'")[0][0]
    assert '"respondent_email":"[redacted]"' in unmatched
    # two score answers, one rejected row
    assert '"answered_fields":"recommend:nps_score, service_rating:csat_score, contact_email:email"' in unmatched


def test_every_raw_response_is_accounted_for(fixture_build):
    """12 lines: 7 responses carried (8 feedback rows) + 5 rejected by the adapter."""
    raw = fixture_build.query("select count(*) from typeform.responses")[0][0]
    carried = fixture_build.query("select count(distinct response_key) from staging.stg_typeform__feedback")[0][0]
    rejected = fixture_build.query("select count(*) from staging.stg_typeform__rejected_rows")[0][0]
    assert (raw, carried, rejected) == (12, 7, 5)
    assert "vendor_rows_accounted_for_typeform_responses" in fixture_build.output
    assert fixture_build.query("select count(*) from staging.stg_typeform__feedback")[0][0] == 8


def _copy_staging_feedback(con: duckdb.DuckDBPyConnection, database: Path, table: str) -> None:
    """stg_shop__feedback of a test warehouse copied into an in-memory table (its view names the
    catalog `warehouse`, so each file is attached under that name in turn)."""
    con.execute(f"attach '{database}' as warehouse (read_only)")
    con.execute(f"create table {table} as select * from warehouse.staging.stg_shop__feedback")
    con.execute("detach warehouse")


def test_the_typeform_layout_gives_the_contracts_feedback(tmp_path):
    generate(tmp_path / "contract", scale=0.005, seed=31, bad_row_share=0.0)
    shutil.copytree(tmp_path / "contract", tmp_path / "typeform_route")
    written = write_layouts(tmp_path / "typeform_route", ["typeform"])
    contract_file = tmp_path / "contract" / "feedback.parquet"
    contract_rows = duckdb.sql(f"select count(*) from read_parquet('{contract_file}')").fetchall()[0][0]
    assert written == {"typeform": {"responses": contract_rows, "forms": 4}}
    assert not (tmp_path / "typeform_route" / "feedback.parquet").exists()

    selection = ["build", "--indirect-selection", "cautious",
                 "--select", "+stg_shop__feedback", "typeform_question_mapping"]
    contract = run_dbt(selection, tmp_path / "contract", tmp_path / "build_contract")
    assert contract.returncode == 0, contract.output[-3000:]
    typeform = run_dbt([*selection, "stg_typeform__rejected_rows", "--vars", layout_vars(["typeform"])],
                       tmp_path / "typeform_route", tmp_path / "build_typeform")
    assert typeform.returncode == 0, typeform.output[-3000:]

    con = duckdb.connect()
    _copy_staging_feedback(con, contract.database, "contract_feedback")
    _copy_staging_feedback(con, typeform.database, "typeform_feedback")
    only_contract = con.execute("select * from contract_feedback except all select * from typeform_feedback").fetchall()
    only_typeform = con.execute("select * from typeform_feedback except all select * from contract_feedback").fetchall()
    assert (only_contract, only_typeform) == ([], [])
    assert con.execute("select count(*) from contract_feedback").fetchall() == [(contract_rows,)]
    assert contract_rows > 1000
    assert typeform.query("select count(*) from staging.stg_typeform__rejected_rows") == [(0,)]
