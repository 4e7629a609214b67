"""base_shop__events after the issue 22 rewrite of its validation (rules evaluated once per row, one
join with the customer tables, a substring test before the masking regular expression): crafted
raw events, each with the outcome worked out by hand from the contract and the rule order.

test_staging_rules covers one broken rule per row; these rows break two rules at once (the first in
the model's order must be reported), come from an erased customer, or carry text that only looks
like contact details.
"""

from __future__ import annotations

import duckdb
import pytest

from engagement_warehouse.generator import generate

from .conftest import read, run_dbt

# event_id -> (overrides of a template event, expected rejection_rule, expected rejected_column)
TWO_RULES = {
    # unknown event type (rule 10) before invalid JSON (rule 13)
    "E_TYPE_AND_JSON": ({"event_type": "teleport", "properties": '{"broken": '}, "unknown_enum_value", "event_type"),
    # unknown country (rule 12) before unknown customer (rule 14)
    "E_COUNTRY_AND_CUSTOMER": ({"country_code": "zz", "customer_id": "C_NOBODY"}, "unknown_country_code", "country_code"),
    # blank timestamp (rule 3) before unknown platform (rule 11): blank, not unparseable
    "E_BLANK_TS_AND_PLATFORM": ({"event_ts": "   ", "platform": "fax"}, "missing_required_value", "event_ts"),
    # unparseable timestamp (rule 7) before invalid JSON (rule 13)
    "E_BAD_TS_AND_JSON": ({"event_ts": "yesterday", "properties": "{"}, "unparseable_timestamp", "event_ts"),
}

# event_id -> (column, raw value, value expected in staging)
TRACKING_TEXT = {
    # '40' passes the substring test but is no URL-encoded '@': kept as is
    "E_TEXT_40": ("page_path", "/p/tv-40-inch", "/p/tv-40-inch"),
    "E_TEXT_URL_EMAIL": ("page_path", "/login?next=%2Fa&u=ana.souza%40example.com", "/login?next=%2Fa&u=[email]"),
    "E_TEXT_PHONE": ("utm_campaign", "whats +55 11 98765-4321", "whats [phone]"),
    # a '+' with a digit but no phone number: kept as is
    "E_TEXT_PLUS": ("properties", '{"size": "+1"}', '{"size": "+1"}'),
}


def sql_text(value: str | None) -> str:
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("events_validation")
    raw = base / "raw"
    generate(raw, scale=0.003, seed=5, bad_row_share=0.0, file_format="csv")
    con = duckdb.connect()
    for table in ("events", "customers", "privacy_requests"):
        con.execute(f"create table {table} as select * from {read(raw, table, 'csv')}")
    template = "customer_id is null and event_type = 'page_view' and platform = 'web' and country_code = 'br'"
    for event_id, (overrides, _, _) in TWO_RULES.items():
        replace = ", ".join(f"{sql_text(v)} as {c}" for c, v in {"event_id": event_id, **overrides}.items())
        con.execute(f"insert into events select * replace ({replace}) from events where {template} limit 1")
    for event_id, (column, value, _) in TRACKING_TEXT.items():
        con.execute(f"insert into events select * replace ({sql_text(event_id)} as event_id, {sql_text(value)} as "
                    f"{column}) from events where {template} limit 1")
    # an erased customer with a valid customer row: their events stay clean under the token
    erased = con.execute("""
        select min(customer_id) from customers
        where customer_id in (select customer_id from events)
          and customer_id not in (select customer_id from privacy_requests)""").fetchall()[0][0]
    con.execute(f"insert into privacy_requests values ('R_ERASE_EV', '{erased}', 'erasure', '2026-01-01 00:00:00')")
    erased_events = con.execute(f"select count(*) from events where customer_id = '{erased}'").fetchall()[0][0]
    for table in ("events", "privacy_requests"):
        con.execute(f"copy {table} to '{raw / (table + '.csv')}' (format csv, header true)")
    raw_events = con.execute("select count(*) from events").fetchall()[0][0]
    con.close()
    run = run_dbt(["build", "--select", "+base_shop__events", "--exclude-resource-type", "test",
                   "--exclude-resource-type", "unit_test"], raw, base / "work", raw_format="csv")
    assert run.returncode == 0, run.output[-4000:]
    return run, erased, erased_events, raw_events, raw


@pytest.mark.parametrize("event_id", sorted(TWO_RULES))
def test_a_row_breaking_two_rules_is_rejected_by_the_first(built, event_id):
    run = built[0]
    _, rule, column = TWO_RULES[event_id]
    assert run.query(f"select rejection_rule, rejected_column, raw_record is not null "
                     f"from staging.base_shop__events where event_id = '{event_id}'") == [(rule, column, True)]


@pytest.mark.parametrize("event_id", sorted(TRACKING_TEXT))
def test_tracking_text_is_masked_only_where_it_holds_contact_details(built, event_id):
    run = built[0]
    column, _, expected = TRACKING_TEXT[event_id]
    assert run.query(f"select {column}, rejection_rule from staging.base_shop__events "
                     f"where event_id = '{event_id}'") == [(expected, None)]


def test_an_erased_customers_events_stay_clean_under_the_token(built):
    run, erased, erased_events, _, _ = built
    raw = read(built[4], "events", "csv")
    # the clean data has every customer valid, so every event of an erased id is clean, under a token
    expected = run.query(f"""
        select count(*) from {raw}
        where trim(customer_id) in (select customer_id from staging.base_shop__erased_customers)""")[0][0]
    assert expected >= erased_events > 0
    assert run.query("""
        select count(*), count(rejection_rule) from staging.base_shop__events
        where customer_id like 'erased_%'""") == [(expected, 0)]
    assert run.query(f"select count(*) from staging.base_shop__events where customer_id = '{erased}'") == [(0,)]


def test_every_raw_event_is_one_row_clean_or_rejected(built):
    run, _, _, raw_events, _ = built
    assert run.query("select count(*) from staging.base_shop__events") == [(raw_events,)]
