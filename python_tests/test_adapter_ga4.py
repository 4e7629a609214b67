"""The Google Analytics 4 adapter (models/staging/ga4/, docs/adapters/ga4.md).

The fixture python_tests/fixtures/adapters/ga4/ is written by hand in the BigQuery export's layout:
two daily files ga4/events_20240601.jsonl and events_20240602.jsonl (the second as BigQuery writes
JSON: INT64 values as quoted strings), 33 export rows with nested params of every value type,
microsecond timestamps, a visitor who browses anonymously and then logs in (and out), ignored
automatic events, an unknown event name, a purchase with two items, a row exported twice, a
timestamp in milliseconds by mistake, one out of range and one missing, GA4 country names; beside
them small contract files (customers, orders, order_items, products, and privacy_requests with an
erasure for C003) so the whole warehouse builds.
Every expected value below is worked out by hand from those files."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import generate
from engagement_warehouse.layouts import ga4 as ga4_layout
from engagement_warehouse.layouts import layout_vars, write_layouts

from .conftest import MODELS_AND_SEEDS, run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "ga4"
VARS = ["--vars", "{events_source: ga4}"]
VISITOR = "1187654321.1717243200"  # browses anonymously, logs in as C001, logs out on day 2
CONTRACT_COLUMNS = ("event_id, event_ts, customer_id, anonymous_id, event_type, platform, country_code, "
                    "page_path, product_id, utm_source, utm_medium, utm_campaign, properties")


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    """The whole warehouse, models and tests, built from the hand-written fixture."""
    run = run_dbt(["build", *VARS], FIXTURE, tmp_path_factory.mktemp("ga4_fixture"), raw_format="csv")
    assert run.returncode == 0, run.output[-4000:]
    return run


def test_the_whole_warehouse_builds_and_its_tests_pass_on_the_ga4_export(fixture_build):
    assert "The ga4 adapter reads" in fixture_build.output
    assert "events_*.jsonl" in fixture_build.output  # the two daily files, read as one table
    # the reconciliation of the vendor table ran (and passed, or the build would have failed)
    assert "source_vendor_rows_accounted_for_ga4_events" in fixture_build.output


def test_microsecond_timestamps_are_exact(fixture_build):
    rows = dict(fixture_build.query("""
        select event_type, event_ts from staging.stg_shop__events
        where anonymous_id = '1187654321.1717243200' and event_type in ('page_view', 'purchase')
            and event_ts < '2024-06-02'
    """))
    # event_timestamp 1717243200123456 and 1717243505999999 (microseconds since the epoch, UTC)
    assert rows == {"page_view": datetime(2024, 6, 1, 12, 0, 0, 123456),
                    "purchase": datetime(2024, 6, 1, 12, 5, 5, 999999)}


def test_a_visitor_who_logs_in_keeps_one_anonymous_id_and_gains_the_customer_id(fixture_build):
    rows = fixture_build.query(f"""
        select event_type, customer_id from staging.stg_shop__events
        where anonymous_id = '{VISITOR}' order by event_ts
    """)
    # login (ignored) happens between the search and the add to cart; day 2 ends logged out
    assert rows == [("page_view", None), ("product_view", None), ("search", None),
                    ("add_to_cart", "C001"), ("checkout_started", "C001"), ("purchase", "C001"),
                    ("social_share", "C001"), ("referral_sent", "C001"), ("page_view", "C001"),
                    ("page_view", None)]


def test_event_names_map_onto_the_contract_event_types(fixture_build):
    counts = dict(fixture_build.query(
        "select event_type, count(*) from staging.stg_shop__events group by event_type"))
    # page_view: 9 web page views (2 more rejected by the contract: a 1970 timestamp, 'Narnia') and
    # 1 iOS screen_view; select_content with content_type 'lookbook' is a lookbook view
    assert counts == {"page_view": 9, "product_view": 1, "search": 1, "add_to_cart": 1,
                      "checkout_started": 1, "purchase": 1, "social_share": 1,
                      "loyalty_points_earned": 1, "whatsapp_message": 1, "lookbook_view": 1,
                      "push_open": 1, "referral_sent": 1}


def test_params_become_columns_and_typed_properties(fixture_build):
    rows = {row[0]: row[1:] for row in fixture_build.query("""
        select event_type, properties, product_id, page_path, platform, loyalty_points
        from staging.stg_shop__events
        where event_type in ('referral_sent', 'search', 'social_share', 'loyalty_points_earned',
                             'lookbook_view', 'push_open', 'purchase', 'product_view')
    """)}
    assert rows == {
        # string, int, float and double values, keys in order
        "referral_sent": ('{"channel": "email", "invitee_count": 2, "score": 4.75, "share_ratio": 0.5}',
                          None, "/indique", "web", None),
        # search_term and method renamed by the ga4_param_mapping seed; page_location's query dropped
        "search": ('{"query": "anel de prata"}', None, "/search", "web", None),
        "social_share": ('{"network": "whatsapp"}', "P002", "/p/P002", "web", None),
        "loyalty_points_earned": ('{"points": 120}', None, None, "web", 120),
        "lookbook_view": ('{"content_id": "LB-7"}', None, "Lookbook", "android", None),
        "push_open": ('{"message_name": "volta_as_aulas"}', None, None, "android", None),
        # the first of the purchase's two items; transaction_id, value and currency are not properties
        "purchase": ("{}", "P001", "/checkout/confirmation", "web", None),
        # items[1].item_id; the fragment #reviews and the query ?ref=home dropped
        "product_view": ("{}", "P001", "/p/P001", "web", None),
    }


def test_platform_country_and_campaign(fixture_build):
    rows = fixture_build.query("""
        select anonymous_id, customer_id, event_type, platform, country_code, page_path,
            utm_source, utm_medium, utm_campaign
        from staging.stg_shop__events
        where event_type in ('whatsapp_message')
            or (event_type = 'page_view' and (platform = 'ios' or anonymous_id like '220000000%'
                or utm_source is not null))
        order by event_ts, page_path
    """)
    assert rows == [
        (VISITOR, None, "page_view", "web", "BR", "/", "google", "cpc", "joias_search"),  # collected_traffic_source
        (None, "C002", "whatsapp_message", "whatsapp", "MX", None, None, None, None),  # the platform parameter
        ("2200000005.1717254000", None, "page_view", "web", "KN", "/", None, None, None),  # 'St. Kitts & Nevis'
        ("2200000006.1717254100", None, "page_view", "web", "TR", "/", None, None, None),  # 'Türkiye'
        ("2200000007.1717254200", None, "page_view", "web", None, "/", None, None, None),  # '(not set)'
        ("2200000009.1717254400", None, "page_view", "web", "PE", "/", None, None, None),
        ("2200000009.1717254400", None, "page_view", "web", "PE", "/lookbook/7", None, None, None),
        ("6F1A2B3C4D5E6F708192A3B4C5D6E7F8", "C002", "page_view", "ios", "MX", "ProductDetail", None, None, None),
        (VISITOR, "C001", "page_view", "web", "BR", "/colecao/lua", "newsletter", "email", "weekly_edit"),  # params
    ]


def test_event_ids(fixture_build):
    ids = fixture_build.query("""
        select event_type, event_id from staging.stg_shop__events
        where event_type = 'loyalty_points_earned'
            or (event_type = 'page_view' and event_ts = '2024-06-01 12:00:00.123456')
        order by event_type
    """)
    key = f"{VISITOR}||1717243200123456|page_view|11|1"  # no user_id yet; bundle 11; first of its key
    assert ids == [("loyalty_points_earned", "loyalty-O001"),  # the site's own event_id parameter
                   ("page_view", "ga4-" + hashlib.md5(key.encode()).hexdigest())]
    # two page views with the same key and other parameters are two events
    assert fixture_build.query("""
        select count(distinct event_id) from staging.stg_shop__events where anonymous_id = '2200000009.1717254400'
    """) == [(2,)]


def test_every_export_row_is_carried_or_rejected_with_its_rule(fixture_build):
    counts = fixture_build.query("""
        select
            (select count(*) from ga4.events),
            (select count(*) from staging.stg_ga4__events),
            (select count(*) from staging.stg_ga4__rejected_rows)
    """)
    assert counts == [(33, 23, 10)]
    adapter = fixture_build.query("""
        select rejection_rule, rejection_category, rejected_value from audit.audit_rejected_rows
        where source_table = 'ga4.events' order by rejection_rule, rejected_value
    """)
    assert adapter == [
        ("event_not_mapped", "not_mapped", "first_visit"), ("event_not_mapped", "not_mapped", "login"),
        ("event_not_mapped", "not_mapped", "scroll"),
        ("event_not_mapped", "not_mapped", "select_content"),  # content_type 'product', not 'lookbook'
        ("event_not_mapped", "not_mapped", "session_start"), ("event_not_mapped", "not_mapped", "user_engagement"),
        ("missing_required_value", "rejected", None),  # no event_timestamp
        ("missing_visitor_id", "rejected", None),  # neither user_id nor user_pseudo_id
        ("unknown_event_name", "rejected", "view_promo_banner"),
        ("unparseable_timestamp", "rejected", "300000000000000000"),  # beyond year 9999
    ]
    # the carried rows then meet the contract's own rules
    contract = fixture_build.query("""
        select rejection_rule, rejection_category, rejected_value from audit.audit_rejected_rows
        where source_table = 'events' order by rejection_rule
    """)
    assert [row[:2] for row in contract] == [
        ("duplicate_key_superseded", "collapsed_duplicate"),  # the view_item exported twice
        ("timestamp_before_lower_bound", "rejected"),  # 1717243200123: milliseconds, read as 1970
        ("unknown_country_code", "rejected"),
    ]
    assert contract[1][2] == "1970-01-20 21:00:43.200123" and contract[2][2] == "Narnia"
    assert fixture_build.query("select count(*) from staging.stg_shop__events") == [(20,)]


def test_rejected_rows_keep_no_personal_data(fixture_build):
    [(record,)] = fixture_build.query(
        "select raw_record from staging.stg_ga4__rejected_rows where rejection_rule = 'unknown_event_name'")
    assert "ana.souza@example.com" not in record and "[email]" in record
    assert '"geo":"[redacted]"' in record and "Sao Paulo" not in record
    assert "1717243200" in record  # ga_session_id, an id, is not masked


def test_an_erased_customers_ga4_rows_carry_only_the_token(fixture_build):
    """C003 asked for erasure (privacy_requests.csv): the adapter replaces the user_id by the
    pseudonymous token before anything is stored, in carried and rejected rows alike (the build's
    test erased_customers_have_no_personal_data_anywhere checks every relation too)."""
    tokens = fixture_build.query("""
        select event_type, customer_id from staging.stg_shop__events
        where anonymous_id = 'c0ffee00c0ffee00c0ffee00c0ffee00' order by event_ts
    """)
    [(token,)] = fixture_build.query("select customer_id from staging.stg_shop__customers where country_code = 'CL'")
    assert token.startswith("erased_") and tokens == [("lookbook_view", token), ("push_open", token)]
    assert fixture_build.query("""
        select count(*) from staging.base_ga4__events
        where customer_id = 'C003' or raw_record like '%"C003"%'
    """) == [(0,)]
    [(record,)] = fixture_build.query(
        "select raw_record from staging.stg_ga4__rejected_rows where raw_record like '%select_content%'")
    assert f'"user_id":"{token}"' in record


def test_the_parquet_export_reads_as_the_json_one(fixture_build, tmp_path):
    """The same rows as one events.parquet with the export's nested types (as BigQuery or a loader
    writes it) give the same contract rows."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE, raw)
    types = ", ".join(f"'{name}': '{data_type}'" for name, data_type in ga4_layout.export_columns().items())
    duckdb.execute(f"""
        copy (select * from read_json('{raw / "ga4" / "events_*.jsonl"}', format = 'newline_delimited',
                                      columns = {{{types}}}))
        to '{raw / "ga4" / "events.parquet"}' (format parquet)
    """)
    for path in (raw / "ga4").glob("*.jsonl"):
        path.unlink()
    run = run_dbt([*MODELS_AND_SEEDS, "--select", "+stg_ga4__events", "+stg_ga4__rejected_rows", *VARS],
                  raw, tmp_path / "build", raw_format="csv")
    assert run.returncode == 0, run.output[-3000:]
    assert "events.parquet" in run.output
    for table, columns in (("stg_ga4__events", CONTRACT_COLUMNS), ("stg_ga4__rejected_rows", "*")):
        parquet_rows = sorted(map(repr, run.query(f"select {columns} from staging.{table}")))
        json_rows = sorted(map(repr, fixture_build.query(f"select {columns} from staging.{table}")))
        assert parquet_rows == json_rows and len(parquet_rows) in (23, 10)


def test_the_generated_events_round_trip_through_the_ga4_layout(tmp_path):
    """Generated events written in the GA4 layout (engagement_warehouse/layouts/ga4.py) and read
    back by the adapter give the contract route's stg_shop__events row for row."""
    generate(tmp_path / "contract", scale=0.005, seed=31, bad_row_share=0.0)
    shutil.copytree(tmp_path / "contract", tmp_path / "vendor")
    written = write_layouts(tmp_path / "vendor", ["ga4"])
    assert layout_vars(["ga4"]) == "{events_source: ga4}"
    select = ["--select", "+stg_shop__events", "--indirect-selection", "cautious"]
    contract = run_dbt(["build", *select], tmp_path / "contract", tmp_path / "build_contract")
    assert contract.returncode == 0, contract.output[-3000:]
    vendor = run_dbt(["build", *select, *VARS], tmp_path / "vendor", tmp_path / "build_vendor")
    assert vendor.returncode == 0, vendor.output[-3000:]
    con = duckdb.connect()
    con.execute(f"attach '{contract.database}' as contract_route (read_only)")
    con.execute(f"attach '{vendor.database}' as ga4_route (read_only)")
    columns = ", ".join(name for (name,) in con.execute("""
        select column_name from duckdb_columns()
        where database_name = 'contract_route' and table_name = 'stg_shop__events' and column_name != 'loaded_at'
        order by column_index
    """).fetchall())
    counts = con.execute(f"""
        select
            (select count(*) from contract_route.staging.stg_shop__events),
            (select count(*) from (select {columns} from contract_route.staging.stg_shop__events
                                   except all select {columns} from ga4_route.staging.stg_shop__events)),
            (select count(*) from (select {columns} from ga4_route.staging.stg_shop__events
                                   except all select {columns} from contract_route.staging.stg_shop__events)),
            (select count(*) from ga4_route.staging.base_ga4__events where rejection_rule is not null)
    """).fetchone()
    rows, only_contract, only_ga4, rejected = counts
    assert (only_contract, only_ga4, rejected) == (0, 0, 0), counts
    assert rows == written["ga4"]["events"] > 10_000


def test_the_layout_writes_the_generators_bad_rows_too(tmp_path):
    """At the default share of bad rows, an event whose properties are not JSON ('{"broken": ')
    cannot be typed parameters: it is written with its text in a string parameter `properties`,
    and every event is written."""
    generate(tmp_path, scale=0.005, seed=7)
    written = ga4_layout.write(tmp_path, tmp_path / "ga4")
    with duckdb.connect() as con:
        events, broken = con.execute(f"""
            select count(*), count(*) filter (where try(json_type(properties)) is distinct from 'OBJECT')
            from read_parquet('{tmp_path / "events.parquet"}')
        """).fetchone()
        texts = con.execute(f"""
            select param.value.string_value, count(*)
            from (select unnest(event_params) as param from read_parquet('{tmp_path / "ga4" / "events.parquet"}'))
            where param.key = 'properties' group by all
        """).fetchall()
    assert written == {"events": events} and broken > 0
    assert texts == [('{"broken": ', broken)]
