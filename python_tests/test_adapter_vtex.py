"""The VTEX adapter (var orders_source: vtex) on the hand-written fixture
python_tests/fixtures/adapters/vtex/: 24 lines of VTEX "Get order" documents (orders.jsonl, amounts
in cents) and the retailer's BRL rates (fx_rates.csv: 5 BRL per USD in January and February 2026,
4 in March and April). The whole warehouse builds from them alone (dbt build, models and tests);
the expected values below are computed by hand from the fixture.

What the fixture holds, line by line: 1 Pix (creationDate with a -03:00 offset); 2 a boleto paid;
3 a boleto never paid, cancelled; 4 Mastercard in 10 instalments; 5 Visa in 3; 6 a gift card and
Visa in 2 on one order; 7 an order from another marketplace (origin Fulfillment, masked e-mail);
8 an item of another seller on the store's site; 9 a card payment then cancelled, shipped to
Argentina (ARG); 10 and 11 two versions of one order, the older landed last; 12 a 10% promotion
and a coupon, Elo in 4; 13 no VTEX profile id; 14 an inactive card transaction then Pix; 15 a UTM
medium no seed maps; 16 value in reais, not cents; 17 an unknown status; 18 no orderId; 19 an item
price with a decimal point; 20 a store's own "promissory" payment; 21 to 24 Pix, Amex in 6, a
debit card in the window to cancel, a boleto not paid yet.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from .conftest import MODELS_AND_SEEDS, run_dbt

FIXTURE = Path(__file__).parent / "fixtures" / "adapters" / "vtex"
# The fixture spans January to April 2026, shorter than clv_backtest's default 182-day holdout
# (the backtest then says insufficient_data, with its configured dates).
VARS = "{orders_source: vtex}"
ANA = "0a1b2c3d-0001-4000-8000-000000000001"
KARINA = "0a1b2c3d-0012-4000-8000-000000000012"


STAGING = ["stg_shop__customers", "stg_shop__orders", "stg_shop__order_items", "stg_shop__products",
           "stg_shop__order_payments", "stg_vtex__rejected_rows"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("vtex")
    raw = work / "raw"
    (raw / "vtex").mkdir(parents=True)
    shutil.copy(FIXTURE / "fx_rates.csv", raw / "fx_rates.csv")
    shutil.copy(FIXTURE / "orders.jsonl", raw / "vtex" / "orders.jsonl")
    run = run_dbt(["build", "--vars", VARS], raw, work / "build", raw_format="csv")
    assert run.returncode == 0, run.output[-5000:]
    return work / "build" / "warehouse.duckdb"


def rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_adapter_rejects_what_it_cannot_carry_with_its_rule(warehouse):
    assert rows(warehouse, """
        select source_table, record_key, rejection_rule, rejected_column
        from staging.stg_vtex__rejected_rows order by all
    """) == [
        ("vtex.orders", "1270000000010-01 (version 2)", "duplicate_key_superseded", "lastChange"),
        ("vtex.orders", "1270000000015-01", "non_integer_value", "value"),
        ("vtex.orders", "no orderId #1", "missing_primary_key", "orderId"),
        ("vtex.orders.items", "1270000000010-01 (version 2)-1", "duplicate_key_superseded", "lastChange"),
        ("vtex.orders.items", "1270000000015-01-1", "unknown_order", "orderId"),
        ("vtex.orders.items", "1270000000017-01-1", "non_integer_value", "price"),
        ("vtex.orders.items", "no orderId #1-1", "missing_primary_key", "orderId"),
        ("vtex.orders.payments", "1270000000010-01 (version 2)-1.1", "duplicate_key_superseded", "lastChange"),
        ("vtex.orders.payments", "1270000000013-01-1.1", "inactive_transaction", "isActive"),
        ("vtex.orders.payments", "1270000000015-01-1.1", "unknown_order", "orderId"),
        ("vtex.orders.payments", "no orderId #1-1.1", "missing_primary_key", "orderId"),
    ]


def test_every_vendor_row_is_carried_or_rejected(warehouse):
    """24 order lines = 21 carried + 3 rejected; 26 items = 22 + 4; 26 payments = 22 + 4."""
    assert rows(warehouse, """
        select
            (select count(*) from vtex.orders),
            (select count(*) from staging.stg_vtex__orders),
            (select sum(len(items)) from vtex.orders),
            (select count(*) from staging.stg_vtex__order_items),
            (select count(*) from staging.stg_vtex__order_payments),
            (select list(source_table order by source_table) from (
                select source_table from staging.stg_vtex__rejected_rows group by source_table having count(*) > 0
            ))
    """) == [(24, 21, 26, 22, 22, ["vtex.orders", "vtex.orders.items", "vtex.orders.payments"])]


def test_the_rejected_rows_reach_the_audit_with_personal_data_redacted(warehouse):
    found = rows(warehouse, """
        select rejection_category, rejected_value, raw_record
        from audit.audit_rejected_rows
        where source_table = 'vtex.orders' and record_key in ('1270000000015-01', '1270000000010-01 (version 2)')
        order by record_key
    """)
    assert [(category, value) for category, value, _ in found] == [
        ("collapsed_duplicate", "2026-03-02T12:00:00.0000000+00:00"), ("rejected", "79.90")]
    record = json.loads(found[1][2])
    assert record["clientProfileData"] == "[redacted]" and record["shippingData"] == "[redacted]"
    assert "diego" not in found[1][2].lower()


def test_statuses_payments_and_amounts_from_cents(warehouse):
    found = {row[0]: row[1:] for row in rows(warehouse, """
        select order_id, status, payment_method, installments, payment_count, channel, subtotal_local,
            discount_local, shipping_local, total_local, total_usd, coupon_code
        from staging.stg_shop__orders
    """)}
    assert len(found) == 19  # 21 carried, less the unknown status and Karina's (unknown customer)
    assert found["1270000000001-01"] == ("paid", "pix", 1, 1, "web", Decimal("189.00"), Decimal("0.00"),
                                         Decimal("15.00"), Decimal("204.00"), Decimal("40.80"), None)
    # boleto paid, boleto never paid (cancelled), boleto issued and not paid yet
    assert found["1270000000002-01"][:3] == ("paid", "boleto", 1)
    assert found["1270000000003-01"][:3] == ("cancelled", "boleto", 1)
    assert found["1270000000022-01"][:3] == ("placed", "boleto", 1)
    # Mastercard in 10 instalments (handling), Visa in 3 (ready-for-handling), Amex in 6
    assert found["1270000000004-01"][:4] == ("paid", "credit_card", 10, 1)
    assert found["1270000000004-01"][8:10] == (Decimal("669.90"), Decimal("133.98"))
    assert found["1270000000005-01"][:3] == ("paid", "credit_card", 3)
    assert found["1270000000020-01"][:3] == ("paid", "credit_card", 6)
    # two payments: the method that paid most (Visa 159.00 over the gift card's 100.00), the most instalments
    assert found["1270000000006-01"][:4] == ("paid", "credit_card", 2, 2)
    # from another marketplace
    assert found["1270000000007-01"][4] == "marketplace"
    # paid by card, then cancelled
    assert found["1270000000009-01"][:3] == ("cancelled", "credit_card", 1)
    # the latest version wins, though landed first
    assert found["1270000000010-01"][0] == "paid"
    # a 10% promotion on two rings and a coupon (February: 5 BRL per USD)
    assert found["1270000000011-01"][1:] == ("credit_card", 4, 1, "web", Decimal("378.00"), Decimal("37.80"),
                                             Decimal("0.00"), Decimal("340.20"), Decimal("68.04"), "BEMVINDA10")
    # the inactive card transaction is no payment: Pix alone
    assert found["1270000000013-01"][1:4] == ("pix", 1, 1)
    # a debit card inside the window to cancel
    assert found["1270000000021-01"][:3] == ("paid", "debit_card", 1)
    # the promissory payment no seed maps is rejected: no valid payment left
    assert found["1270000000018-01"][1:4] == ("unknown", 1, 0)
    # April, 4 BRL per USD
    assert found["1270000000019-01"][8:10] == (Decimal("259.00"), Decimal("64.75"))


def test_a_creation_date_with_an_offset_is_utc(warehouse):
    assert rows(warehouse, """
        select order_ts, updated_at from staging.stg_shop__orders where order_id in ('1270000000001-01', '1270000000010-01')
        order by order_id
    """) == [(datetime(2026, 1, 5, 13, 20, 11, 123456), datetime(2026, 1, 7, 18, 2, 40)),
             (datetime(2026, 3, 1, 10, 0), datetime(2026, 3, 4, 10, 0))]


def test_the_contract_rejects_the_rest_with_its_own_rules(warehouse):
    assert rows(warehouse, """
        select source_table, record_key, rejection_rule, rejected_column, rejected_value
        from audit.audit_rejected_rows
        where source_table not like 'vtex.%'
        order by all
    """) == [
        ("customers", KARINA, "unknown_enum_value", "acquisition_channel", "newsletter"),
        ("order_items", "1270000000014-01-1", "unknown_order", "order_id", "1270000000014-01"),
        ("order_items", "1270000000016-01-1", "unknown_order", "order_id", "1270000000016-01"),
        ("order_payments", "1270000000014-01|1", "unknown_order", "order_id", "1270000000014-01"),
        ("order_payments", "1270000000016-01|1", "unknown_order", "order_id", "1270000000016-01"),
        ("order_payments", "1270000000018-01|1", "unknown_enum_value", "payment_method", "promissory"),
        ("orders", "1270000000014-01", "unknown_customer", "customer_id", KARINA),
        ("orders", "1270000000016-01", "unknown_enum_value", "status", "pending-fraud-review"),
    ]


def test_customers_from_the_orders(warehouse):
    found = {row[0]: row[1:] for row in rows(warehouse, """
        select customer_id, country_code, state_region, acquisition_channel, marketing_opt_in, signup_ts
        from staging.stg_shop__customers
    """)}
    assert len(found) == 13  # 14 customer ids, less Karina (rejected above)
    # Ana: first order by cpc, latest order (March) without newsletter consent; no sign-up date in
    # VTEX, so her first clean order's time
    assert found[ANA] == ("BR", "SP", "paid_search", False, datetime(2026, 1, 5, 13, 20, 11, 123456))
    assert found["0a1b2c3d-0008-4000-8000-000000000008"][:3] == ("AR", "CABA", "direct")
    assert found["0a1b2c3d-0006-4000-8000-000000000006"][2] == "marketplace"
    assert found["0a1b2c3d-0007-4000-8000-000000000007"][2] == "paid_social"
    assert found["0a1b2c3d-0003-4000-8000-000000000003"][2] == "email"
    guests = [key for key in found if not key.startswith("0a1b2c3d-")]
    assert len(guests) == 1 and guests[0].startswith("vtex_email_") and "@" not in guests[0]
    # personal data stays in staging: the customers mart holds none of it in clear
    cells = rows(warehouse, "select * from marts.dim_customers")
    assert len(cells) == 13
    assert not any("@" in str(cell) or "Souza" in str(cell) or "São Paulo" in str(cell) for row in cells for cell in row)


def test_products_and_items(warehouse):
    """A product is described by its latest sold item (ring 100 last sold in size 16); its category
    the deepest of the path, by name (staging writes it in lower case), else the id (400's export
    has no category names)."""
    assert rows(warehouse, "select product_id, sku, product_name, category from staging.stg_shop__products order by 1") == [
        ("100", "AN-SOL-925-16", "Anel Solitário Prata 925 - Aro 16", "anéis"),
        ("200", "CO-PL-18K", "Colar Ponto de Luz Ouro 18k", "colares"),
        ("300", "BR-ARG-FOL", "Brinco Argola Folheado", "brincos"),
        ("400", "PU-RIV-925", "Pulseira Riviera Prata 925", "40"),
        ("500", "TZ-ART-01", "Tornozeleira Prata Artesanal", "tornozeleiras"),
    ]
    assert rows(warehouse, """
        select order_item_id, product_id, quantity, unit_price_local, discount_local
        from staging.stg_shop__order_items
        where order_id in ('1270000000008-01', '1270000000011-01', '1270000000017-01')
        order by 1
    """) == [
        ("1270000000008-01-1", "500", 1, Decimal("120.00"), Decimal("0.00")),
        ("1270000000008-01-2", "300", 1, Decimal("79.90"), Decimal("0.00")),
        ("1270000000011-01-1", "100", 2, Decimal("189.00"), Decimal("37.80")),
    ]
    # the other seller's line keeps its seller in the adapter's staging
    assert rows(warehouse, """
        select seller_id, seller_name from staging.stg_vtex__order_items where order_item_id = '1270000000008-01-1'
    """) == [("ateliepratafina", "Ateliê Prata Fina")]


def test_the_marts_count_the_confirmed_orders(warehouse):
    """Confirmed = paid or later: of the 19 clean orders, 3 are not (two cancelled, one boleto not paid)."""
    assert rows(warehouse, "select count(*), count(*) filter (where is_confirmed_order) from marts.fct_orders") == [(19, 16)]


def test_the_same_documents_as_parquet_give_the_same_staging(warehouse, tmp_path):
    """orders.parquet written by DuckDB from the JSON lines (its own types: numbers, a timestamp with
    time zone, and the mixed value column as JSON) gives the same clean rows and the same rejected
    rows, rule for rule, as orders.jsonl."""
    raw = tmp_path / "raw"
    (raw / "vtex").mkdir(parents=True)
    shutil.copy(FIXTURE / "fx_rates.csv", raw / "fx_rates.csv")
    with duckdb.connect() as con:
        con.execute(f"copy (select * from read_json_auto('{FIXTURE / 'orders.jsonl'}', format = 'newline_delimited'))"
                    f" to '{raw / 'vtex' / 'orders.parquet'}' (format parquet)")
        assert con.execute(f"select typeof(\"creationDate\") from '{raw / 'vtex' / 'orders.parquet'}' limit 1"
                           ).fetchall() == [("TIMESTAMP WITH TIME ZONE",)]
    selection = ["--select", *[f"+{model}" for model in STAGING]]
    run = run_dbt([*MODELS_AND_SEEDS, "--vars", VARS, *selection], raw, tmp_path / "build", raw_format="csv")
    assert run.returncode == 0, run.output[-3000:]
    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse}' as from_jsonl (read_only)")
        con.execute(f"attach '{tmp_path / 'build' / 'warehouse.duckdb'}' as from_parquet (read_only)")
        for model in STAGING:
            columns = ", ".join(f'"{name}"' for (name,) in con.execute(
                "select column_name from duckdb_columns() where database_name = 'from_jsonl' and table_name = ?"
                " and column_name != 'raw_record' order by column_index", [model]).fetchall())
            jsonl = f"select {columns} from from_jsonl.staging.{model}"
            parquet = f"select {columns} from from_parquet.staging.{model}"
            assert con.execute(f"select count(*) from ({jsonl})").fetchall()[0][0] > 0, model
            assert con.execute(f"select count(*) from ({jsonl} except all {parquet})").fetchall() == [(0,)], model
            assert con.execute(f"select count(*) from ({parquet} except all {jsonl})").fetchall() == [(0,)], model
