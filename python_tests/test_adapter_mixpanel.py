"""The Mixpanel adapter on a hand-written raw event export (python_tests/fixtures/adapters/mixpanel/
events.jsonl, 26 events, times in epoch seconds and in milliseconds): the whole warehouse builds with
events_source = mixpanel, and the events arrive in staging with their exact UTC times, identities
(simplified and original ID merge), mapped types and the tracking plan's own properties; every
vendor row is accounted for (carried, or rejected with its rule)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from .adapter_fixtures import build_on_fixture, clean_event, vendor_row_outcomes

WEB_DEVICE = "18e5c0a2b7f3d-0b9a1c2d3e4f5-4c6a2f1e-1fa400-18e5c0a2b7f3d"
IOS_DEVICE = "A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF"
WEB = "k3q9v1x7m2p8r4t6w0y5z1a3b5c7d9e{}"
IOS = "6F0E2B1A-00{:02d}-4C3D-9E8F-0000000000{:02d}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    run = build_on_fixture("mixpanel", "events", tmp_path_factory.mktemp("mixpanel"))
    assert run.returncode == 0, run.output[-4000:]
    return run


def test_epoch_seconds_and_milliseconds_become_exact_utc_times(built):
    assert clean_event(built, WEB.format(1))["event_ts"] == datetime(2026, 3, 14, 18, 22, 7)  # 1773512527
    assert clean_event(built, WEB.format(2))["event_ts"] == datetime(2026, 3, 14, 18, 23, 10, 250000)  # ms
    assert clean_event(built, WEB.format(5))["event_ts"] == datetime(2026, 3, 14, 18, 30, 44, 999000)  # ms
    assert clean_event(built, IOS.format(10, 10))["event_ts"] == datetime(2026, 3, 15, 1, 58, 12)  # ms, .000


def test_a_device_keeps_its_id_and_gains_the_customer_id_on_login(built):
    # simplified ID merge: '$device:<id>' while anonymous, then $user_id
    assert built.query(f"""
        select event_id, customer_id, event_type from staging.stg_shop__events
        where anonymous_id = '{WEB_DEVICE}' order by event_ts""") == [
        (WEB.format(1), None, "page_view"),
        (WEB.format(2), None, "product_view"),
        (WEB.format(3), None, "add_to_cart"),
        (WEB.format(5), "C-1001", "checkout_started"),
        (WEB.format(6), "C-1001", "purchase"),
        ("q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h9", "C-1001", "referral_sent"),
    ]
    # original ID merge: distinct_id is the device id until identify(), then the user id
    assert built.query(f"""
        select customer_id, event_type from staging.stg_shop__events
        where anonymous_id = '{IOS_DEVICE}' order by event_ts""") == [
        (None, "page_view"), ("C-1002", "product_view"), ("C-1002", "add_to_wishlist"), ("C-1002", "purchase")]


def test_platform_country_page_and_the_tracking_plans_properties(built):
    landing = clean_event(built, WEB.format(1))
    assert (landing["platform"], landing["country_code"], landing["page_path"], landing["utm_source"],
            landing["utm_medium"], landing["utm_campaign"], landing["properties"]) == (
        "web", "BR", "/", "instagram", "social", "lua-nova", None)
    viewed = clean_event(built, WEB.format(2))  # the path of $current_url, its query string left out
    assert (viewed["page_path"], viewed["product_id"], json.loads(viewed["properties"])) == (
        "/produtos/anel-prata-lua", "P-RING-01", {"price": 120})
    assert clean_event(built, IOS.format(9, 9))["platform"] == "ios"  # $os iOS, mp_lib swift
    shared = clean_event(built, "a7b8c9d0-0019")
    assert (shared["platform"], shared["event_type"]) == ("android", "social_share")
    whatsapp = clean_event(built, "wa-3EB0C7A1F2D4")  # server-side, property platform
    assert (whatsapp["platform"], whatsapp["customer_id"], whatsapp["anonymous_id"]) == ("whatsapp", "C-1003", None)
    assert clean_event(built, "p8n2c6v4b0m1x3z5a7s9d1f3g5h7j9k1")["event_type"] == "lookbook_view"  # page_type
    referral = clean_event(built, "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h9")  # an e-mail in a property is masked
    assert json.loads(referral["properties"]) == {"referred_email": "[email]", "channel": "email"}


def test_an_event_without_insert_id_is_keyed_by_a_hash_and_its_copy_collapses(built):
    rows = built.query("""
        select event_id, rejection_rule from staging.base_shop__events
        where event_type = 'loyalty_reward_redeemed' order by rejection_rule nulls first""")
    assert [rule for _, rule in rows] == [None, "duplicate_key_superseded"]
    assert {event_id for event_id, _ in rows} == {"md5:35c76dfdc7c5285cf7fb08974f57091d"}


def test_rejected_rows_with_their_rules(built):
    rows = built.query("""
        select source_table, record_key, rejection_rule, rejected_column, rejected_value, rejection_category
        from audit.audit_rejected_rows order by source_table, record_key""")
    assert rows == [
        ("events", WEB.format(6), "duplicate_key_superseded", "event_id", WEB.format(6), "collapsed_duplicate"),
        ("events", "loyalty-O-5001", "missing_required_value", "platform", None, "rejected"),
        ("events", "md5:35c76dfdc7c5285cf7fb08974f57091d", "duplicate_key_superseded", "event_id",
         "md5:35c76dfdc7c5285cf7fb08974f57091d", "collapsed_duplicate"),
        ("events", "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6", "unknown_country_code", "country_code", "XK", "rejected"),
        ("events", "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h8", "unknown_customer", "customer_id", "C-9999", "rejected"),
        ("mixpanel.events", IOS.format(13, 13), "event_not_mapped", "event", "$ae_session", "not_mapped"),
        ("mixpanel.events", WEB.format(4), "event_not_mapped", "event", "$identify", "not_mapped"),
        ("mixpanel.events", "p8n2c6v4b0m1x3z5a7s9d1f3g5h7j9k3", "unknown_event_name", "event", "Banner Clicked",
         "rejected"),
        ("mixpanel.events", "p8n2c6v4b0m1x3z5a7s9d1f3g5h7j9k4", "event_not_mapped", "event", "$mp_click",
         "not_mapped"),
    ]


def test_rejected_vendor_rows_show_no_personal_data(built):
    records = [json.loads(raw) for (raw,) in built.query(
        "select raw_record from audit.audit_rejected_rows where source_table = 'mixpanel.events'")]
    banner = next(record for record in records if record["event"] == "Banner Clicked")
    properties = json.loads(banner["properties"])
    assert properties["$city"] == "[redacted]"
    assert (properties["banner"], properties["mp_country_code"], properties["time"]) == (
        "verano-2026", "CO", 1773669780)
    assert not any("Bogotá" in json.dumps(record, ensure_ascii=False) for record in records)  # $city


def test_every_vendor_row_is_carried_or_rejected(built):
    # 26 raw = 22 carried + 4 rejected; the 22 carried: 17 clean, 3 rejected by the contract's
    # rules, 2 re-delivered copies collapsed
    assert vendor_row_outcomes(built, "mixpanel", "events", "events") == (26, 22, 4, 17, 3, 2)


def test_an_older_projects_local_times_are_converted_to_utc(tmp_path):
    # var mixpanel_project_timezone: 1773512527 read as 18:22:07 in São Paulo (UTC-3) is 21:22:07 UTC
    run = build_on_fixture("mixpanel", "events", tmp_path,
                           ["--select", "+base_mixpanel__events", "--exclude-resource-type", "test"],
                           {"mixpanel_project_timezone": "America/Sao_Paulo"})
    assert run.returncode == 0, run.output[-4000:]
    assert run.query(f"select event_ts from staging.base_mixpanel__events where event_id = '{WEB.format(1)}'") == [
        ("2026-03-14 21:22:07.000000",)]
