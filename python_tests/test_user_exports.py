"""A retailer's own exports, as a new user points the project at them: `make` with RAW_DATA_DIR
on a folder the generator did not write (a marketplace export from Brazil, written here by hand:
orders only, no events, feedback, marketing spend or privacy requests; marketplace statuses and
payment names; several payments on one order; no sign-up, opt-in, SKU, product name or list
price). The folder must come out byte for byte as it went in, in Parquet and in CSV."""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from .conftest import DBT, PROJECT_DIR

SALT = "a-test-secret-not-the-demo-salt"

CUSTOMERS = [  # no signup_ts, marketing_opt_in or loyalty columns: a marketplace does not have them
    ("customer_id", "email", "phone", "full_name", "country_code", "state_region", "city",
     "acquisition_channel", "referred_by_customer_id", "updated_at"),
    ("c1", "ana@example.com", "", "Ana", "br", "SP", "Campinas", "marketplace", "", "2018-09-01 00:00:00"),
    ("c2", "bia@example.com", "", "Bia", "BR", "RJ", "Niteroi", "marketplace", "", "2018-09-01 00:00:00"),
    ("c3", "caio@example.com", "", "Caio", "BR", "MG", "Betim", "marketplace", "", "2018-09-01 00:00:00"),
    ("c4", "duda@example.com", "", "Duda", "BR", "SP", "Santos", "marketplace", "", "2018-09-01 00:00:00"),
]
PRODUCTS = [("product_id", "category"), ("p1", "relogios_presentes"), ("p2", "bijuterias")]
ORDERS = [  # payment_method and installments blank where order_payments has the order's payments
    ("order_id", "customer_id", "order_ts", "status", "payment_method", "installments", "currency",
     "subtotal", "discount_amount", "shipping_amount", "tax_amount", "total_amount", "channel",
     "coupon_code", "loyalty_points_redeemed", "cod_confirmed_ts", "updated_at"),
    ("o1", "c1", "2017-03-10 14:00:00", "delivered", "", "", "BRL", "100.00", "", "10.00", "",
     "110.00", "marketplace", "", "", "", "2017-03-20 00:00:00"),
    ("o2", "c1", "2017-06-02 10:00:00", "invoiced", "boleto", "1", "BRL", "50.00", "", "5.00", "",
     "55.00", "marketplace", "", "", "", "2017-06-03 00:00:00"),
    ("o3", "c2", "2017-06-15 18:00:00", "canceled", "credit_card", "3", "BRL", "80.00", "", "0.00", "",
     "80.00", "marketplace", "", "", "", "2017-06-16 00:00:00"),
    ("o4", "c3", "2018-01-05 09:00:00", "unavailable", "credit_card", "1", "BRL", "40.00", "", "0.00", "",
     "40.00", "marketplace", "", "", "", "2018-01-06 00:00:00"),
    ("o5", "c4", "2018-02-01 12:00:00", "approved", "", "", "BRL", "200.00", "", "20.00", "",
     "220.00", "marketplace", "", "", "", "2018-02-02 00:00:00"),
    ("o6", "c2", "2018-03-01 12:00:00", "lost_in_transit", "credit_card", "1", "BRL", "30.00", "", "0.00", "",
     "30.00", "marketplace", "", "", "", "2018-03-02 00:00:00"),
]
ORDER_ITEMS = [
    ("order_item_id", "order_id", "product_id", "quantity", "unit_price", "discount_amount"),
    ("i1", "o1", "p1", "1", "100.00", ""), ("i2", "o2", "p2", "1", "50.00", ""),
    ("i3", "o3", "p1", "1", "80.00", ""), ("i4", "o4", "p2", "1", "40.00", ""),
    ("i5", "o5", "p1", "2", "100.00", ""), ("i6", "o6", "p2", "1", "30.00", ""),
]
ORDER_PAYMENTS = [  # o1: a credit card in 4 instalments and a voucher; o5: one debit card payment
    ("order_id", "payment_sequence", "payment_method", "installments", "amount"),
    ("o1", "1", "credit_card", "4", "90.00"), ("o1", "2", "voucher", "1", "20.00"),
    ("o5", "1", "debit_card", "1", "220.00"),
]
# monthly BRL per USD for every month the orders fall in
FX_RATES = [("month", "currency", "units_per_usd")] + [
    (f"{year}-{month:02d}-01", "BRL", "3.200000") for year in (2017, 2018) for month in range(1, 13)
]
TABLES = {"customers": CUSTOMERS, "products": PRODUCTS, "orders": ORDERS, "order_items": ORDER_ITEMS,
          "order_payments": ORDER_PAYMENTS, "fx_rates": FX_RATES}


def write_export(folder: Path, file_format: str, tables: dict[str, list[tuple]] = TABLES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        if file_format == "csv":
            with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerows(rows)
        else:
            header, *body = rows
            columns = {column: [row[i] or None for row in body] for i, column in enumerate(header)}
            pq.write_table(pa.table(columns), folder / f"{name}.parquet")
    return folder


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))} | {".": str(sorted(os.listdir(folder)))}


def make(targets: list[str], raw_dir: Path, work: Path, salt: str | None = SALT) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PII_HASH_SALT", "RAW_DATA_FORMAT")}
    if salt:
        env["PII_HASH_SALT"] = salt
    env.update(DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"))
    return subprocess.run(
        ["make", "-o", ".venv/.installed", *targets, f"RAW_DATA_DIR={raw_dir}",
         f"DUCKDB_PATH={work / 'warehouse.duckdb'}", f"DUCKDB_TEMP_DIR={work / 'tmp'}",
         f"EXPORT_DIR={work / 'exports'}", f"QUALITY_DOCS_DIR={work / 'quality_docs'}",
         f"REPORT_DIR={work / 'report'}"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=1200,
    )


@pytest.fixture(scope="module", params=["parquet", "csv"])
def built_from_export(request, tmp_path_factory):
    work = tmp_path_factory.mktemp(f"user_{request.param}")
    raw = write_export(work / "exports_of_the_shop", request.param)
    before = fingerprint(raw)
    run = make(["data", "dbt-build", "compact", "quality", "export", "report", "docs", "erasure-check"], raw, work)
    return request.param, raw, before, work, run


def test_the_whole_build_runs_on_an_orders_only_export_and_leaves_the_folder_unchanged(built_from_export):
    file_format, raw, before, work, run = built_from_export
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert fingerprint(raw) == before
    assert "rows/s" not in run.stdout  # the generator did not run
    assert f"customers.{file_format}" in run.stdout
    assert "read as empty: events, experiment_assignments, feedback, marketing_spend, privacy_requests" in run.stdout
    exports = {path.stem for path in (work / "exports").glob("*.parquet")}
    assert {"fct_orders", "dim_customers", "fct_sessions", "fct_feedback", "marketing_performance"} <= exports
    assert (work / "report" / "index.html").stat().st_size > 0
    assert (work / "quality_docs" / "index.html").is_file()
    assert (work / "target" / "static_index.html").is_file()
    # no privacy requests: the erasure check looks for nothing, in the run's own folders
    assert f"erasure check: 0 personal value(s) of erased customers, none found in {work / 'warehouse.duckdb'}, " \
           f"{work / 'logs'}, {work / 'target'}/compiled" in run.stdout


def query(work: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_payments_statuses_and_defaults_are_mapped(built_from_export):
    _, _, _, work, run = built_from_export
    assert run.returncode == 0
    orders = dict((row[0], row[1:]) for row in query(work, """
        select order_id, status, payment_method, installments, payment_mix, is_confirmed_order, total_usd
        from staging.stg_shop__orders order by order_id"""))
    # o1 paid 90 by credit card in 4 instalments and 20 with a voucher: the card paid most
    assert orders["o1"][:4] == ("delivered", "credit_card", 4, "credit_card+voucher")
    assert orders["o2"][:2] == ("paid", "boleto")          # invoiced
    assert orders["o3"][0] == "cancelled" and orders["o3"][4] is False
    assert orders["o4"][0] == "cancelled"                   # unavailable
    assert orders["o5"][:4] == ("paid", "debit_card", 1, "debit_card")
    # 110 BRL at the given 3.2 BRL per USD: 34.375, rounded half up to the cent
    assert float(orders["o1"][5]) == pytest.approx(34.38, abs=1e-9)
    customers = dict(query(work, "select customer_id, cast(signup_ts as varchar) from staging.stg_shop__customers"))
    assert customers["c1"] == "2017-03-10 14:00:00"      # sign-up = first order when absent
    assert query(work, "select count(*) from staging.stg_shop__customers where marketing_opt_in") == [(0,)]
    assert query(work, "select sku, product_name from staging.stg_shop__products where product_id = 'p1'") == [("p1", "p1")]


def test_an_unmapped_status_is_quarantined_with_its_value_named(built_from_export):
    _, _, _, work, run = built_from_export
    assert run.returncode == 0
    assert query(work, """
        select record_key, rejection_rule, rejected_column, rejected_value
        from audit.audit_rejected_rows where source_table = 'orders'""") == [
        ("o6", "unknown_enum_value", "status", "lost_in_transit")]
    assert query(work, "select sum(unaccounted_rows) from audit.audit_source_reconciliation") == [(0,)]


def test_a_named_folder_without_raw_files_stops_and_nothing_is_generated(tmp_path):
    empty = tmp_path / "my_exports"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a raw file")
    before = fingerprint(empty)
    run = make(["data", "dbt-build"], empty, tmp_path / "work")
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert f"RAW_DATA_DIR={empty}" in output
    assert f"missing customers: looked for {empty}/customers.parquet and {empty}/customers.csv" in output
    assert "optional (may be absent): events" in output
    assert "Traceback" not in output
    assert fingerprint(empty) == before


def test_demo_fx_rates_and_the_demo_salt_are_refused_on_real_data(tmp_path):
    raw = write_export(tmp_path / "no_fx", "csv", {k: v for k, v in TABLES.items() if k != "fx_rates"})
    run = make(["dbt-build"], raw, tmp_path / "work")
    output = run.stdout + run.stderr
    assert run.returncode != 0
    # BRL of 2017-2018 is outside the seed's demo months: the nearest demo value would be used
    assert "5 of 5 clean orders (100.0%" in output
    assert "BRL: 5 orders of 2017-03-01 to 2018-02-01 (nearest month seed demo value)" in output
    assert "accept_estimated_fx_rates" in output
    no_salt = make(["dbt-build"], raw, tmp_path / "work2", salt=None)
    assert no_salt.returncode != 0
    assert "PII_HASH_SALT is not set" in no_salt.stdout + no_salt.stderr


def test_a_mixed_folder_reads_each_table_in_its_own_format(tmp_path):
    raw = write_export(tmp_path / "mixed", "parquet", {k: v for k, v in TABLES.items() if k != "orders"})
    write_export(raw, "csv", {"orders": ORDERS})
    before = fingerprint(raw)
    env = {**os.environ, "PII_HASH_SALT": SALT, "RAW_DATA_DIR": str(raw), "DBT_PROFILES_DIR": str(PROJECT_DIR),
           "DUCKDB_PATH": str(tmp_path / "w.duckdb"), "DUCKDB_TEMP_DIR": str(tmp_path / "tmp")}
    env.pop("RAW_DATA_FORMAT", None)
    run = subprocess.run([DBT, "build", "--select", "+stg_shop__orders", "--exclude-resource-type", "test",
                          "--exclude-resource-type", "unit_test",
                          "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
                         cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "orders.csv" in run.stdout and "customers.parquet" in run.stdout
    assert fingerprint(raw) == before
