"""Staging rules: each rule of the raw data contract gets a crafted bad row, which must land in
audit_rejected_rows with that rule and column; the clean rows are parsed as the contract says;
erasure is honoured; a missing file or column stops the run with a clear message."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import generate
from engagement_warehouse.generator.run import TABLES

from .conftest import read, run_dbt

# Crafted rows whose rejected value audit_rejected_rows must name as the file had it.
NAMED_VALUE_CASES = [
    ("order_items", "OI_FRACTION", {"quantity": "1.5"}, "non_integer_value", "quantity"),
    ("orders", "O_INSTALLMENTS_FRACTION", {"installments": "2.5"}, "non_integer_value", "installments"),
    ("orders", "O_INSTALLMENTS_HEX", {"installments": "0x3"}, "non_integer_value", "installments"),
    ("orders", "O_POINTS_FRACTION", {"loyalty_points_redeemed": "10.5"}, "non_integer_value",
     "loyalty_points_redeemed"),
    ("feedback", "F_NPS_FRACTION", {"survey_type": "nps", "score": "8.5"}, "non_integer_value", "score"),
    ("feedback", "F_NPS_HEX", {"survey_type": "nps", "score": "0x9"}, "non_integer_value", "score"),
    ("orders", "O_1900", {"order_ts": "1900-01-01 00:00:00"}, "timestamp_before_lower_bound", "order_ts"),
    ("customers", "C_1900", {"signup_ts": "1900-01-01 00:00:00"}, "timestamp_before_lower_bound", "signup_ts"),
    ("events", "E_1900", {"event_ts": "1900-01-01 00:00:00"}, "timestamp_before_lower_bound", "event_ts"),
    ("feedback", "F_1900", {"submitted_ts": "1900-01-01"}, "timestamp_before_lower_bound", "submitted_ts"),
    ("products", "P_1900", {"launched_at": "1900-01-01"}, "timestamp_before_lower_bound", "launched_at"),
    ("marketing_spend", "1900-01-01|BR|paid_search", {"spend_date": "1900-01-01", "country_code": "BR",
                                                      "channel": "paid_search"},
     "timestamp_before_lower_bound", "spend_date"),
]

# (table, key of the crafted row, {column: raw text}, expected rule, expected column). A key of
# None means the crafted row has no key: it is found by the marker in its raw record instead.
CASES = [
    ("customers", None, {"customer_id": "", "state_region": "MARKER_CUSTOMER_PK"}, "missing_primary_key", "customer_id"),
    ("customers", "C_BAD_TS", {"signup_ts": "not a date"}, "unparseable_timestamp", "signup_ts"),
    ("customers", "C_FUTURE", {"signup_ts": "2999-01-01 00:00:00"}, "future_timestamp", "signup_ts"),
    ("customers", "C_NO_COUNTRY", {"country_code": " "}, "missing_required_value", "country_code"),
    ("customers", "C_COUNTRY", {"country_code": "XX"}, "unknown_country_code", "country_code"),
    ("customers", "C_CHANNEL", {"acquisition_channel": "carrier_pigeon"}, "unknown_enum_value", "acquisition_channel"),
    ("customers", "C_BOOL", {"marketing_opt_in": "maybe"}, "invalid_boolean", "marketing_opt_in"),
    ("orders", None, {"order_id": None, "coupon_code": "MARKER_ORDER_PK"}, "missing_primary_key", "order_id"),
    ("orders", "O_TS", {"order_ts": "31/02/2024"}, "unparseable_timestamp", "order_ts"),
    ("orders", "O_FUTURE", {"order_ts": "2999-05-01T10:00:00Z"}, "future_timestamp", "order_ts"),
    ("orders", "O_NO_CUSTOMER", {"customer_id": ""}, "missing_required_value", "customer_id"),
    ("orders", "O_NUMBER", {"subtotal": "12,5x"}, "non_numeric_value", "subtotal"),
    ("orders", "O_NEGATIVE", {"discount_amount": "-5.00"}, "negative_amount", "discount_amount"),
    ("orders", "O_DISCOUNT", {"subtotal": "10.00", "discount_amount": "10.01"}, "discount_exceeds_subtotal",
     "discount_amount"),
    ("orders", "O_INSTALLMENTS", {"installments": "0"}, "invalid_installments", "installments"),
    ("orders", "O_STATUS", {"status": "lost_in_space"}, "unknown_enum_value", "status"),
    ("orders", "O_PAYMENT", {"payment_method": "bitcoin"}, "unknown_enum_value", "payment_method"),
    ("orders", "O_CHANNEL", {"channel": "carrier_pigeon"}, "unknown_enum_value", "channel"),
    ("orders", "O_CURRENCY", {"currency": "XYZ"}, "unknown_currency", "currency"),
    ("orders", "O_CUSTOMER", {"customer_id": "C_NOBODY"}, "unknown_customer", "customer_id"),
    ("order_items", "OI_ORDER", {"order_id": "O_NOWHERE"}, "unknown_order", "order_id"),
    ("order_items", "OI_PRODUCT", {"product_id": "P_NOTHING"}, "unknown_product", "product_id"),
    ("order_items", "OI_QUANTITY", {"quantity": "0"}, "invalid_quantity", "quantity"),
    ("order_items", "OI_PRICE", {"unit_price": "abc"}, "non_numeric_value", "unit_price"),
    ("products", "P_PRICE", {"list_price_usd": "-1.00"}, "negative_amount", "list_price_usd"),
    ("products", "P_CATEGORY", {"category": ""}, "missing_required_value", "category"),
    ("events", "E_JSON", {"properties": "{\"broken\": "}, "invalid_json", "properties"),
    ("events", "E_VISITOR", {"customer_id": None, "anonymous_id": None}, "missing_visitor_id", "customer_id"),
    ("events", "E_TYPE", {"event_type": "teleport"}, "unknown_enum_value", "event_type"),
    ("events", "E_PLATFORM", {"platform": "fax"}, "unknown_enum_value", "platform"),
    ("events", "E_TS", {"event_ts": "yesterday"}, "unparseable_timestamp", "event_ts"),
    ("events", "E_CUSTOMER", {"customer_id": "C_NOBODY"}, "unknown_customer", "customer_id"),
    ("events", "E_COUNTRY", {"country_code": "zz"}, "unknown_country_code", "country_code"),
    ("feedback", "F_NPS", {"survey_type": "nps", "score": "11"}, "score_out_of_range", "score"),
    ("feedback", "F_CSAT", {"survey_type": "csat", "score": "0"}, "score_out_of_range", "score"),
    ("feedback", "F_SCORE", {"score": "ten"}, "non_numeric_value", "score"),
    ("feedback", "F_LANGUAGE", {"language": "fr"}, "unknown_enum_value", "language"),
    ("feedback", "F_ORDER", {"order_id": "O_NOWHERE"}, "unknown_order", "order_id"),
    ("marketing_spend", None, {"spend_date": "", "channel": "affiliate", "amount": "777.77"}, "missing_primary_key",
     "spend_date"),
    ("marketing_spend", "2031-01-01|BR|paid_search", {"spend_date": "2031-01-01", "country_code": "br",
                                                      "channel": "paid_search", "amount": "-3"},
     "negative_amount", "amount"),
    ("privacy_requests", "R_TYPE", {"request_type": "forget_me_maybe"}, "unknown_enum_value", "request_type"),
] + [
    # strict parsing: an integer column refuses a fractional or hexadecimal value (a cast would round
    # 1.5 to 2, and read 0x3 as 3), and a timestamp before the source's lower bound (2000-01-01) is
    # rejected under a rule named for it, whatever else the row would break later (a 1900 order
    # has no FX rate either)
    *NAMED_VALUE_CASES,
]
KEY_COLUMN = {"customers": "customer_id", "orders": "order_id", "order_items": "order_item_id",
              "products": "product_id", "events": "event_id", "feedback": "feedback_id",
              "privacy_requests": "request_id"}


def sql_text(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


def add_row(con, table: str, key: str | None, overrides: dict[str, str | None], template: str = "true") -> None:
    """Appends a copy of the first row matching `template`, with the key and overrides set."""
    changes = dict(overrides)
    if key is not None and table in KEY_COLUMN:
        changes[KEY_COLUMN[table]] = key
    replace = ", ".join(f"{sql_text(v)} as {c}" for c, v in changes.items())
    con.execute(f"insert into {table} select * replace ({replace}) from {table} where {template} limit 1")


@pytest.fixture(scope="module")
def crafted(tmp_path_factory):
    """Clean generated CSV data plus one crafted row per rule, built with dbt."""
    base = tmp_path_factory.mktemp("crafted")
    raw = base / "raw"
    generate(raw, scale=0.003, seed=21, bad_row_share=0.0, file_format="csv")
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"create table {table} as select * from {read(raw, table, 'csv')}")
    facts = {}
    for table, key, overrides, _, _ in CASES:
        add_row(con, table, key, overrides)
    # rows that must pass, and how they must come out
    add_row(con, "customers", "C_OFFSET", {"signup_ts": "2024-03-01T12:00:00-03:00"})
    add_row(con, "orders", "O_OLD_FX", {"order_ts": "2019-06-15 10:00:00", "currency": "BRL",
                                        "subtotal": "100.00", "discount_amount": "0"})
    add_row(con, "orders", "O_USD", {"currency": "USD", "subtotal": "19.99", "discount_amount": "0"})
    add_row(con, "orders", "O_INSTALLMENTS_WHOLE", {"installments": "3.0"})
    add_row(con, "order_items", "OI_QUANTITY_SIGNED", {"quantity": " +2 "})
    add_row(con, "feedback", "F_MASKED", {"comment": "Me ligue +55 11 98765-4321 ou ana.souza@example.com 😍"})
    # an older version of a customer, and a re-delivered event
    facts["duplicate_customer"] = con.execute("select min(customer_id) from customers where customer_id like 'C0%'").fetchall()[0][0]
    con.execute(f"""insert into customers select * replace ('Old Version' as city,
                    '2020-01-01 00:00:00' as updated_at) from customers
                    where customer_id = '{facts["duplicate_customer"]}'""")
    facts["duplicate_event"] = con.execute("select min(event_id) from events where event_id like 'E0%'").fetchall()[0][0]
    con.execute(f"insert into events select * from events where event_id = '{facts['duplicate_event']}'")
    # an erasure request whose own row is broken (unparseable timestamp): still honoured
    erased, email = con.execute("""
        select customer_id, email from customers
        where email is not null and customer_id like 'C0%' and customer_id in (select customer_id from orders)
          and customer_id not in (select customer_id from privacy_requests)
        order by customer_id desc limit 1""").fetchall()[0]
    facts["erased"], facts["erased_email"] = erased, email
    con.execute(f"insert into privacy_requests values ('R_ERASE', '{erased}', 'erasure', 'not a date')")
    for table in TABLES:
        con.execute(f"copy {table} to '{raw / (table + '.csv')}' (format csv, header true)")
    raw_counts = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}
    con.close()
    run = run_dbt(["build"], raw, base / "work", raw_format="csv")
    assert run.returncode == 0, run.output[-4000:]
    return run, facts, raw_counts, raw, base


@pytest.mark.parametrize("table,key,overrides,rule,column", CASES,
                         ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in CASES])
def test_crafted_bad_row_lands_in_audit_with_its_rule(crafted, table, key, overrides, rule, column):
    run = crafted[0]
    if key is None:
        marker = next(v for v in overrides.values() if v)
        where = f"record_key is null and raw_record like '%{marker}%'"
    else:
        where = f"record_key = '{key}'"
    found = run.query(f"""select rejection_rule, rejected_column, rejection_category from audit.audit_rejected_rows
                          where source_table = '{table}' and {where}""")
    assert found == [(rule, column, "rejected")]


@pytest.mark.parametrize("table,key,overrides,rule,column", NAMED_VALUE_CASES,
                         ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in NAMED_VALUE_CASES])
def test_a_non_integer_or_too_early_value_is_named_in_audit_and_kept_out_of_staging(
        crafted, table, key, overrides, rule, column):
    run = crafted[0]
    found = run.query(f"""select rejected_value from audit.audit_rejected_rows
                          where source_table = '{table}' and record_key = '{key}'""")
    assert found == [(overrides[column],)]
    key_column = KEY_COLUMN.get(table)
    if key_column:
        assert run.query(f"select count(*) from staging.stg_shop__{table} where {key_column} = '{key}'") == [(0,)]


def test_whole_numbers_still_parse_as_integers(crafted):
    run = crafted[0]
    assert run.query("select installments from staging.stg_shop__orders where order_id = 'O_INSTALLMENTS_WHOLE'"
                     ) == [(3,)]
    assert run.query("select quantity from staging.stg_shop__order_items where order_item_id = 'OI_QUANTITY_SIGNED'"
                     ) == [(2,)]


def test_every_raw_row_is_accounted_for(crafted):
    run, _, raw_counts, _, _ = crafted
    rows = run.query("select source_table, raw_rows, clean_rows, rejected_rows, duplicate_rows "
                     "from audit.audit_source_reconciliation")
    # the optional tables the generator does not write are empty tables
    assert {r[0]: r[1] for r in rows} == raw_counts | {"fx_rates": 0, "order_payments": 0}
    for table, raw_rows, clean, rejected, duplicates in rows:
        assert raw_rows == clean + rejected + duplicates, table


def test_rows_that_reference_rejected_rows_are_rejected_too(crafted):
    run = crafted[0]
    # no clean order points at a customer that is not clean
    assert run.query("""select count(*) from staging.stg_shop__orders o
                        left join staging.stg_shop__customers c using (customer_id)
                        where c.customer_id is null""") == [(0,)]


def test_latest_version_wins_and_the_older_one_is_a_collapsed_duplicate(crafted):
    run, facts = crafted[0], crafted[1]
    customer = facts["duplicate_customer"]
    assert run.query(f"select city <> 'Old Version' from staging.stg_shop__customers "
                     f"where customer_id = '{customer}'") == [(True,)]
    assert run.query(f"select rejection_rule, rejection_category from audit.audit_rejected_rows "
                     f"where record_key = '{customer}'") == [("duplicate_key_superseded", "collapsed_duplicate")]
    assert run.query(f"select count(*) from staging.stg_shop__events where event_id = '{facts['duplicate_event']}'"
                     ) == [(1,)]


def test_clean_rows_are_parsed_as_the_contract_says(crafted):
    run = crafted[0]
    # a timestamp with an offset is converted to UTC
    assert run.query("select cast(signup_ts as varchar) from staging.stg_shop__customers "
                     "where customer_id = 'C_OFFSET'") == [("2024-03-01 15:00:00",)]
    # before the FX seed's first month: the nearest rate (January 2022), flagged
    row = run.query("""select o.fx_rate_month, o.is_fx_rate_estimated, o.subtotal_usd, f.usd_per_unit
                       from staging.stg_shop__orders o
                       join staging.stg_reference__fx_rates f on f.currency = 'BRL' and f.rate_month = o.fx_rate_month
                       where o.order_id = 'O_OLD_FX'""")
    (month, estimated, subtotal_usd, usd_per_unit), = row
    assert str(month) == "2022-01-01" and estimated is True
    assert subtotal_usd == round(100 * usd_per_unit, 2)
    # USD converts at 1
    assert run.query("select subtotal_usd, cast(subtotal_usd as varchar), is_fx_rate_estimated "
                     "from staging.stg_shop__orders where order_id = 'O_USD'")[0][1:] == ("19.99", False)
    # e-mail addresses and phone numbers are masked in comments, emoji kept
    assert run.query("select comment from staging.stg_shop__feedback where feedback_id = 'F_MASKED'") == [
        ("Me ligue [phone] ou [email] 😍",)]


def test_money_is_decimal_not_double(crafted):
    run = crafted[0]
    types = dict(run.query("""select column_name, data_type from information_schema.columns
                              where table_schema = 'staging' and table_name = 'stg_shop__orders'
                                and (column_name like '%_usd' or column_name like '%_local')"""))
    assert types and all(t.startswith("DECIMAL") for t in types.values()), types


def test_erasure_is_honoured_even_when_the_request_row_is_rejected(crafted):
    run, facts = crafted[0], crafted[1]
    erased = facts["erased"]
    assert run.query("select rejection_rule from audit.audit_rejected_rows where record_key = 'R_ERASE'") == [
        ("unparseable_timestamp",)]
    rows = run.query(f"""select count(*) from staging.stg_shop__customers
                         where customer_id = '{erased}' or email = '{facts["erased_email"]}'""")
    assert rows == [(0,)]
    tokens = run.query("select customer_id, email, email_hash, full_name from staging.stg_shop__customers "
                       "where is_erased and customer_id like 'erased_%'")
    assert tokens and all(r[1] is None and r[2] is None and r[3] is None for r in tokens)
    # the erased customer's orders still count, under the token
    assert run.query("select count(*) from staging.stg_shop__orders where customer_id like 'erased_%'")[0][0] > 0


def test_the_erasure_test_catches_a_leak(crafted):
    run, facts, _, raw, base = crafted
    with duckdb.connect(str(run.database)) as con:
        con.execute(f"update staging.base_shop__feedback set comment = '{facts['erased_email']}' "
                    "where feedback_id = (select min(feedback_id) from staging.base_shop__feedback)")
    leak = run_dbt(["test", "-s", "erased_customers_have_no_personal_data_anywhere"], raw, base / "work", "csv")
    assert leak.returncode != 0
    assert "erased_customers_have_no_personal_data_anywhere" in leak.output and "FAIL" in leak.output


def test_a_missing_file_stops_the_run_with_its_name(small_parquet, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_parquet, raw)
    (raw / "orders.parquet").unlink()
    run = run_dbt(["build"], raw, tmp_path / "work")
    assert run.returncode != 0
    # the test runs force RAW_DATA_FORMAT=parquet, so only the Parquet name is looked for
    assert f"missing orders: looked for {raw}/orders.parquet\n" in run.output
    assert "Traceback" not in run.output


def test_a_missing_optional_file_is_an_empty_table(small_parquet, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_parquet, raw)
    (raw / "events.parquet").unlink()
    run = run_dbt(["build", "--select", "+base_shop__events", "--exclude-resource-type", "test",
                   "--exclude-resource-type", "unit_test"], raw, tmp_path / "work")
    assert run.returncode == 0, run.output[-3000:]
    assert "read as empty: events, fx_rates, order_payments" in run.output
    assert run.query("select count(*) from staging.base_shop__events") == [(0,)]


def test_a_missing_column_stops_the_run_with_file_and_column(small_parquet, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(small_parquet, raw)
    con = duckdb.connect()
    orders = raw / "orders.parquet"
    con.execute(f"copy (select * exclude (status, channel) from read_parquet('{small_parquet / 'orders.parquet'}')) "
                f"to '{orders}' (format parquet)")
    run = run_dbt(["build"], raw, tmp_path / "work")
    assert run.returncode != 0
    assert f"{orders} lacks column(s) status, channel" in run.output
    assert "Traceback" not in run.output
