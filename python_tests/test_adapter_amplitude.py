"""The Amplitude adapter on a hand-written Export API file (python_tests/fixtures/adapters/amplitude/
events.jsonl, 27 events): the whole warehouse builds with events_source = amplitude, and the events
arrive in staging with their exact UTC times, identities, mapped types and ISO countries; every
vendor row is accounted for (carried, or rejected with its rule)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from .adapter_fixtures import build_on_fixture, vendor_row_outcomes
from .adapter_fixtures import clean_event as clean_row

DEVICE = "7d3f5b2e-1c4a-4e8b-9a61-0b1d2c3e4f51"
UUID = "2f0b6c1e-5a3d-4c8e-9b7a-0000000000{:02d}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    run = build_on_fixture("amplitude", "events", tmp_path_factory.mktemp("amplitude"))
    assert run.returncode == 0, run.output[-4000:]
    return run


def clean_event(built, number: int) -> dict:
    return clean_row(built, UUID.format(number))


def test_event_times_keep_their_microseconds_in_utc(built):
    assert clean_event(built, 2)["event_ts"] == datetime(2026, 3, 14, 18, 22, 7, 123456)
    assert clean_event(built, 3)["event_ts"] == datetime(2026, 3, 14, 18, 23, 10, 1)
    assert clean_event(built, 6)["event_ts"] == datetime(2026, 3, 14, 18, 30, 44, 999999)


def test_a_device_keeps_its_id_and_gains_the_customer_id_on_login(built):
    rows = built.query(f"""
        select event_id, customer_id, event_type from staging.stg_shop__events
        where anonymous_id = '{DEVICE}' order by event_ts""")
    assert rows == [
        (UUID.format(2), None, "page_view"),
        (UUID.format(3), None, "product_view"),
        (UUID.format(4), None, "add_to_cart"),
        (UUID.format(6), "C-1001", "checkout_started"),
        (UUID.format(7), "C-1001", "purchase"),
    ]
    # the event the loyalty system sent through the HTTP API has the user id only
    assert built.query(f"select customer_id, anonymous_id from staging.base_shop__events "
                       f"where event_id = '{UUID.format(9)}'") == [("C-1001", None)]


def test_event_names_map_through_the_seed_with_a_property_condition(built):
    assert clean_event(built, 15)["event_type"] == "lookbook_view"  # page view with page_type lookbook
    assert clean_event(built, 23)["event_type"] == "page_view"
    assert clean_event(built, 10)["event_type"] == "page_view"  # mobile screen view
    whatsapp = clean_event(built, 19)
    assert (whatsapp["event_type"], whatsapp["platform"], whatsapp["anonymous_id"]) == (
        "whatsapp_message", "whatsapp", None)


def test_country_names_become_iso_codes(built):
    assert clean_event(built, 2)["country_code"] == "BR"
    assert clean_event(built, 10)["country_code"] == "MX"
    assert clean_event(built, 22)["country_code"] == "CW"  # 'Curaçao', the seed's 'Curacao'
    assert clean_event(built, 23)["country_code"] == "CI"  # 'Ivory Coast', a value_mappings row
    assert clean_event(built, 25)["country_code"] is None


def test_page_product_campaign_and_the_other_properties(built):
    viewed = clean_event(built, 3)
    assert (viewed["page_path"], viewed["product_id"], viewed["utm_source"], viewed["utm_medium"],
            viewed["utm_campaign"]) == ("/produtos/anel-prata-lua", "P-RING-01", "google", "cpc", "dia-das-maes")
    assert json.loads(viewed["properties"]) == {
        "[Amplitude] Page URL": "https://joias.example.com/produtos/anel-prata-lua?ref=home"}
    landing = clean_event(built, 2)
    assert landing["page_path"] == "/"
    assert json.loads(landing["properties"]) == {
        "[Amplitude] Page URL": "https://joias.example.com/", "[Amplitude] Page Title": "Joias Lua"}
    ordered = clean_event(built, 7)  # the revenue field $productId
    assert ordered["product_id"] == "P-RING-01"
    assert json.loads(ordered["properties"]) == {"order_id": "O-5001", "$revenue": 130, "$quantity": 1}
    clicked = clean_event(built, 21)  # the campaign from the user properties the SDK set
    assert (clicked["utm_source"], clicked["utm_medium"], clicked["utm_campaign"]) == (
        "newsletter", "email", "colecao-inverno")
    assert clicked["properties"] is None


def test_rejected_rows_with_their_rules(built):
    rows = built.query("""
        select source_table, right(record_key, 2), rejection_rule, rejected_column, rejected_value,
            rejection_category
        from audit.audit_rejected_rows order by record_key, source_table""")
    assert rows == [
        ("amplitude.events", "01", "event_not_mapped", "event_type", "[Amplitude] Start Session", "not_mapped"),
        ("amplitude.events", "05", "event_not_mapped", "event_type", "$identify", "not_mapped"),
        ("events", "07", "duplicate_key_superseded", "event_id", UUID.format(7), "collapsed_duplicate"),
        ("events", "09", "missing_required_value", "platform", None, "rejected"),
        ("amplitude.events", "14", "event_not_mapped", "event_type", "[Amplitude] Application Backgrounded",
         "not_mapped"),
        ("amplitude.events", "17", "unknown_event_name", "event_type", "Banner Clicked", "rejected"),
        ("amplitude.events", "18", "unknown_event_name", "event_type", "Banner Clicked", "rejected"),
        ("events", "24", "unknown_country_code", "country_code", "Atlantis", "rejected"),
        ("events", "26", "unknown_customer", "customer_id", "C-9999", "rejected"),
    ]


def test_rejected_vendor_rows_show_no_personal_data(built):
    records = [json.loads(raw) for (raw,) in built.query(
        "select raw_record from audit.audit_rejected_rows where source_table = 'amplitude.events'")]
    banner = next(record for record in records if record["uuid"] == UUID.format(17))
    assert (banner["city"], banner["ip_address"], banner["user_properties"]) == ("[redacted]",) * 3
    assert banner["event_type"] == "Banner Clicked" and banner["country"] == "Colombia"
    assert not any("181.49.0.10" in json.dumps(record) or "ana.souza" in json.dumps(record) for record in records)


def test_every_vendor_row_is_carried_or_rejected(built):
    # 27 raw = 22 carried + 5 rejected; the 22 carried: 18 clean, 3 rejected by the contract's
    # rules, 1 re-delivered copy collapsed
    assert vendor_row_outcomes(built, "amplitude", "events", "events") == (27, 22, 5, 18, 3, 1)
