"""The Shopify adapter (models/staging/shopify/): the hand-written fixture in Fivetran's Shopify
layout (python_tests/fixtures/adapters/shopify/shopify/, CSV) builds the whole warehouse with
--vars '{orders_source: shopify}', with the values computed by hand below; and the generator's
Shopify layout of generated data gives the same staging tables as the contract's own files."""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import generate
from engagement_warehouse.layouts import write_layouts

from .conftest import MODELS_AND_SEEDS, run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "shopify"
VARS = ["--vars", "{orders_source: shopify}"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    # RAW_DATA_DIR holds the retailer's FX rates (fx_rates.csv) and the Shopify export in shopify/.
    # The fixture spans about a month, less than the CLV backtest's 182-day holdout (the default).
    work = tmp_path_factory.mktemp("shopify_fixture")
    run = run_dbt(["build", *VARS], FIXTURE, work, raw_format="csv")
    assert run.returncode == 0, run.output[-4000:]
    return run


def test_data_shorter_than_the_clv_holdout_still_builds_the_backtest_with_its_dates(built):
    """No person bought before the calibration end (observation end - 182 days): the backtest says
    insufficient_data with the configured dates (they were null, failing its not_null tests)."""
    from datetime import date

    assert built.query("""
        select customers, calibration_end_date, observation_end_date, holdout_length, model_status
        from marts.clv_backtest where frequency_bucket = 'all'
    """) == [(0, date(2024, 10, 28), date(2025, 4, 28), 182.0, "insufficient_data")]


def test_orders_after_refunds_cancellations_and_payments(built):
    rows = built.query("""
        select order_id, customer_id, status, payment_method, installments, payment_count, payment_mix,
               channel, currency, subtotal_local, discount_local, shipping_local, tax_local, total_local,
               coupon_code, loyalty_points_redeemed, cod_confirmed_ts
        from staging.stg_shop__orders order by order_id
    """)
    d = Decimal
    assert rows == [
        # delivered (carrier tracking), Mercado Pago in 3 instalments, a coupon and 300 points
        ("4001", "1001", "delivered", "wallet", 3, 0, "wallet", "web", "BRL",
         d("200.00"), d("10.00"), d("15.00"), d("19.00"), d("224.00"), "BEMVINDA10", 300, None),
        # refunded in full with its goods back (restock_type return): returned, amounts as sold
        ("4002", "1001", "returned", "pix", 1, 0, "pix", "instagram", "BRL",
         d("80.00"), d("0.00"), d("0.00"), d("8.00"), d("88.00"), None, 0, None),
        # partial refund of 500 + 100: 1400 - 600 = 800 subtotal, 1370 - 600 = 770 total; paid by a
        # gift card (200) and a card in 6 instalments (1170): two payment rows, the card paid most
        ("4003", "1002", "shipped", "credit_card", 6, 2, "credit_card+gift_card", "whatsapp", "MXN",
         d("800.00"), d("30.00"), d("0.00"), d("0.00"), d("770.00"), None, 0, None),
        # guest checkout, unpaid boleto
        ("4004", "guest-4004", "placed", "boleto", 1, 0, "boleto", "web", "BRL",
         d("120.00"), d("0.00"), d("20.00"), d("0.00"), d("140.00"), None, 0, None),
        # cancelled (cancelled_at set), its authorisation voided
        ("4005", "1003", "cancelled", "credit_card", 1, 0, "credit_card", "web", "BRL",
         d("90.00"), d("0.00"), d("0.00"), d("0.00"), d("90.00"), None, 0, None),
        # point of sale, fulfilled at the counter
        ("4006", "1004", "delivered", "credit_card", 1, 0, "credit_card", "store", "BRL",
         d("140.00"), d("0.00"), d("0.00"), d("0.00"), d("140.00"), None, 0, None),
        # shop currency BRL, presented in USD: the BRL amounts are read
        ("4007", "1003", "paid", "wallet", 1, 0, "wallet", "app", "BRL",
         d("250.00"), d("0.00"), d("0.00"), d("0.00"), d("250.00"), None, 0, None),
        # cash on delivery: confirmed when the COD sale was processed
        ("4010", "1002", "delivered", "cash_on_delivery", 1, 0, "cash_on_delivery", "web", "MXN",
         d("400.00"), d("0.00"), d("50.00"), d("0.00"), d("450.00"), None, 0, datetime(2025, 5, 3, 15, 30)),
    ]
    # 770 MXN at 20 per USD
    assert built.query("select total_usd from staging.stg_shop__orders where order_id = '4003'") == [(d("38.50"),)]


def test_order_items_payments_and_products(built):
    items = built.query("""
        select order_item_id, product_id, quantity, unit_price_local, discount_local
        from staging.stg_shop__order_items where order_id in ('4003', '4006') order by 1
    """)
    d = Decimal
    assert items == [
        ("6004", "2001", 1, d("500.00"), d("0.00")),  # 2 sold, 1 refunded
        ("6005", "2002", 1, d("300.00"), d("30.00")),
        # 6006 refunded in full: folded into the refund
        ("6009", "deleted-3050", 1, d("60.00"), d("0.00")),  # its product was deleted
        ("6010", "2003", 1, d("80.00"), d("0.00")),
    ]
    assert built.query("select * from staging.stg_shop__order_payments order by payment_sequence") == [
        ("4003", 1, "gift_card", 1, d("200.00")),
        ("4003", 2, "credit_card", 6, d("1170.00")),
    ]
    assert built.query("select * from staging.stg_shop__products order by product_id") == [
        ("2001", "ANEL-LUNA-M", "Anel Luna", "rings", "sterling_silver", "Luna", d("38.99"),
         datetime(2024, 11, 5, 10)),
        ("2002", "COLAR-MAR", "Colar Mar de Prata", "necklaces", "gold_plated", None, None,
         datetime(2024, 12, 1, 10)),
        ("2003", "BRINCO-SOL", "Brinco Sol Andino", "earrings", None, None, None, datetime(2024, 12, 20, 10)),
        ("deleted-3050", "PULSEIRA-OLD", "Pulseira Antiga", "unknown", None, None, None, None),
    ]


def test_customers_from_accounts_tags_addresses_and_guest_checkouts(built):
    rows = built.query("""
        select customer_id, country_code, state_region, acquisition_channel, referred_by_customer_id,
               marketing_opt_in, loyalty_joined_ts, signup_ts, email_hash is not null
        from staging.stg_shop__customers order by customer_id
    """)
    assert rows == [
        ("1001", "BR", "SP", "instagram", None, True, datetime(2025, 3, 1), datetime(2025, 1, 10, 12), True),
        # acquisition:cpc through value_mappings; referred by a tag; opted out by consent state
        ("1002", "MX", "Nuevo León", "paid_search", "1001", False, None, datetime(2025, 2, 1, 9, 30), True),
        # no address: the latest order's shipping address; no consent state: accepts_marketing
        ("1003", "BR", "MG", "direct", None, True, None, datetime(2025, 2, 15, 18), True),
        # no address, no shipping address: the order's billing address
        ("1004", "BR", "PR", "direct", None, False, None, datetime(2025, 3, 1, 11), False),
        ("guest-4004", "BR", "RJ", "direct", None, True, None, datetime(2025, 4, 12, 20), True),
    ]
    # personal data is hashed in staging and not kept anywhere in clear past it
    assert built.query("select count(*) from staging.stg_shop__customers where full_name = 'Ana Silva'") == [(1,)]
    assert built.query("select count(*) from marts.dim_customers") == [(5,)]


def test_rejected_rows_with_their_rules(built):
    rows = built.query("""
        select source_table, record_key, rejection_rule
        from audit.audit_rejected_rows order by source_table, record_key
    """)
    assert rows == [
        ("customers", "1005", "missing_required_value"),  # no address and no order: no country
        ("order_items", "6012", "unknown_order"),  # the line of the rejected order 4008
        ("order_items", "6099", "unknown_order"),  # a line of an order not in the export
        ("orders", "4008", "unknown_currency"),  # currency XYZ
        ("shopify.customer_address", "5099", "orphan_customer_address"),
        ("shopify.customer_tag", "9999:acquisition:email", "orphan_customer_tag"),
        ("shopify.order", "4009", "test_order"),
        ("shopify.order_line", "6013", "test_order"),
        ("shopify.order_line_refund", "8199", "orphan_refund"),
        ("shopify.order_note_attribute", "4009:installments", "test_order"),
        ("shopify.product_variant", "3099", "orphan_product_variant"),
        ("shopify.refund", "8099", "orphan_refund"),
        ("shopify.transaction", "7013", "test_order"),
        ("shopify.transaction", "7099", "orphan_transaction"),
    ]
    # personal data of a rejected vendor row is redacted in its raw record
    record = built.query("select raw_record from audit.audit_rejected_rows where record_key = '4009'")[0][0]
    assert '"email":"[redacted]"' in record.replace(" ", "") and "ana.silva" not in record


# vendor table -> (carried into a contract row, folded into another row), counted by hand from the fixture
ACCOUNTED = {
    "customer": (5, 0),
    "customer_address": (0, 3),
    "customer_tag": (0, 5),
    "product": (3, 0),
    "product_variant": (0, 4),
    "product_tag": (0, 4),
    "order": (9, 0),
    "order_line": (13, 1),  # 6006 refunded in full
    "order_note_attribute": (0, 2),
    "order_discount_code": (0, 1),
    "transaction": (2, 11),  # the two payments of 4003; the others give their order's method or status
    "refund": (0, 2),
    "order_line_refund": (0, 3),
    "fulfillment": (0, 4),
}


def test_every_vendor_row_is_carried_folded_or_rejected(built):
    carried = dict(built.query("""
        select 'customer', count(*) from staging.stg_shopify__customers where customer_id not like 'guest-%'
        union all select 'order', count(*) from staging.stg_shopify__orders
        union all select 'order_line', count(*) from staging.stg_shopify__order_items
        union all select 'product', count(*) from staging.stg_shopify__products where product_id not like 'deleted-%'
        union all select 'transaction', count(*) from staging.stg_shopify__order_payments
    """))
    rejected = dict(built.query("""
        select replace(source_table, 'shopify.', ''), count(*) from audit.audit_rejected_rows
        where source_table like 'shopify.%' group by 1
    """))
    for table, (carried_rows, folded_rows) in ACCOUNTED.items():
        with open(FIXTURE / "shopify" / f"{table}.csv", encoding="utf-8") as handle:
            raw_rows = sum(1 for _ in csv.DictReader(handle))
        assert carried.get(table, 0) == carried_rows, table
        assert raw_rows == carried_rows + folded_rows + rejected.get(table, 0), table


def staging_tables(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {table: con.execute(f"select count(*) from staging.stg_shop__{table}").fetchone()[0]
                for table in ("customers", "orders", "order_items", "products", "order_payments")}


def test_the_shopify_layout_gives_the_contract_routes_staging_tables(tmp_path):
    """Generated data without bad rows, landed as the contract's files and in the Shopify layout:
    the stg_shop__ tables of the orders area are equal row for row (EXCEPT ALL both ways)."""
    generate(tmp_path / "contract", scale=0.005, seed=29, bad_row_share=0.0)
    shutil.copytree(tmp_path / "contract", tmp_path / "shopify_route")
    written = write_layouts(tmp_path / "shopify_route", ["shopify"])["shopify"]
    assert not (tmp_path / "shopify_route" / "orders.parquet").exists()
    with duckdb.connect() as con:
        contract_orders = con.execute(f"select count(*) from '{tmp_path / 'contract' / 'orders.parquet'}'").fetchone()[0]
    assert written["order"] == contract_orders
    assert written["refund"] > 0 and written["fulfillment"] > 0 and written["customer_tag"] > 0
    select = ["--select", "+stg_shop__customers", "+stg_shop__orders", "+stg_shop__order_items",
              "+stg_shop__products", "+stg_shop__order_payments"]
    contract = run_dbt([*MODELS_AND_SEEDS, *select], tmp_path / "contract", tmp_path / "build_contract")
    assert contract.returncode == 0, contract.output[-3000:]
    shopify = run_dbt([*MODELS_AND_SEEDS, *select, "stg_shopify__rejected_rows", "--vars", "{orders_source: shopify}"],
                      tmp_path / "shopify_route", tmp_path / "build_shopify")
    assert shopify.returncode == 0, shopify.output[-3000:]
    counts = staging_tables(contract.database)
    assert counts["orders"] > 1000 and counts["customers"] > 100
    assert staging_tables(shopify.database) == counts
    con = duckdb.connect()
    con.execute(f"attach '{contract.database}' as contract_route (read_only)")
    con.execute(f"attach '{shopify.database}' as shopify_route (read_only)")
    for table in counts:
        only_contract, only_shopify = con.execute(f"""
            select
                (select count(*) from (select * from contract_route.staging.stg_shop__{table}
                                       except all select * from shopify_route.staging.stg_shop__{table})),
                (select count(*) from (select * from shopify_route.staging.stg_shop__{table}
                                       except all select * from contract_route.staging.stg_shop__{table}))
        """).fetchone()
        assert (only_contract, only_shopify) == (0, 0), table
    assert shopify.query("select count(*) from staging.stg_shopify__rejected_rows") == [(0,)]


def test_an_erased_customers_shopify_rows_keep_no_personal_data(tmp_path):
    """An erasure request for customer 1001 (privacy_requests, the contract's own file): the whole
    build passes its erasure test (no value of 1001 stored anywhere), and the rejected test order
    4009 of 1001 keeps its customer id only as the pseudonymous token."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE, raw)
    (raw / "privacy_requests.csv").write_text(
        "request_id,customer_id,request_type,requested_ts\nPR1,1001,erasure,2025-06-10 10:00:00\n", encoding="utf-8")
    run = run_dbt(["build", *VARS], raw, tmp_path / "build", raw_format="csv")
    assert run.returncode == 0, run.output[-4000:]
    assert "erased_customers_have_no_personal_data_anywhere" in run.output
    record = run.query("select raw_record from audit.audit_rejected_rows where source_table = 'shopify.order'")[0][0]
    assert '"customer_id":"erased_' in record.replace(" ", "") and "1001" not in record
    assert run.query("select count(*) from staging.stg_shop__customers where customer_id = '1001'") == [(0,)]
