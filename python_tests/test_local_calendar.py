"""The local calendar end to end: a tiny hand-made raw set (one order per customer, each near
local midnight at a month end or across a daylight-saving change) built with dbt, then the local
order date, the order month, the cohort month and the monthly mart's month read from the marts."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from engagement_warehouse.generator import generate
from engagement_warehouse.generator.run import TABLES

from .conftest import read, run_dbt

# customer, raw country code (any case: staging upper-cases it), order, UTC time, local date
ORDERS = [
    # 23:30 on January 31 in Sao Paulo (UTC-3)
    ("C_BR", "br", "O_BR", "2024-02-01 02:30:00", date(2024, 1, 31)),
    # 23:30 on February 29 in Mexico City (UTC-6)
    ("C_MX", "MX", "O_MX", "2024-03-01 05:30:00", date(2024, 2, 29)),
    # Santiago's winter time (UTC-4): 23:30 on June 30 (at the summer offset, July 1)
    ("C_CL", "cl", "O_CL", "2024-07-01 03:30:00", date(2024, 6, 30)),
    # Mexico City kept summer time (UTC-5) until October 2022: 00:30 on August 1 (at UTC-6, July 31)
    ("C_MX21", "mx", "O_MX21", "2021-08-01 05:30:00", date(2021, 8, 1)),
]
MODELS = ["build", "--select", "+fct_orders", "+cohort_retention", "+regional_engagement",
          "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def text(value: str | None) -> str:
    return "null" if value is None else "'" + value + "'"


@pytest.fixture(scope="module")
def local_calendar(tmp_path_factory):
    base = tmp_path_factory.mktemp("local_calendar")
    template, raw = base / "template", base / "raw"
    generate(template, scale=0.002, seed=5, bad_row_share=0.0, file_format="csv")
    raw.mkdir()
    con = duckdb.connect()
    for table in TABLES:
        # the generated rows are templates only: every table starts empty
        con.execute(f"create table template_{table} as select * from {read(template, table, 'csv')} limit 1")
        con.execute(f"create table {table} as select * from template_{table} where false")
    for customer, country, order, order_ts, _ in ORDERS:
        con.execute(f"""insert into customers select * replace (
            {text(customer)} as customer_id, {text(customer.lower() + '@example.com')} as email,
            null as phone, {text(country)} as country_code, '2020-01-01 00:00:00' as signup_ts,
            null as referred_by_customer_id, null as loyalty_joined_ts, '2020-01-01 00:00:00' as updated_at)
            from template_customers""")
        con.execute(f"""insert into orders select * replace (
            {text(order)} as order_id, {text(customer)} as customer_id, {text(order_ts)} as order_ts,
            'paid' as status, 'credit_card' as payment_method, '1' as installments, 'USD' as currency,
            '100.00' as subtotal, '0' as discount_amount, '0' as shipping_amount, '0' as tax_amount,
            '100.00' as total_amount, 'web' as channel, null as coupon_code, '0' as loyalty_points_redeemed,
            null as cod_confirmed_ts, {text(order_ts)} as updated_at)
            from template_orders""")
        con.execute(f"""insert into order_items select * replace (
            {text(order + '_1')} as order_item_id, {text(order)} as order_id, '1' as quantity,
            '100.00' as unit_price, '0' as discount_amount,
            (select product_id from template_products) as product_id)
            from template_order_items""")
    con.execute("insert into products select * from template_products")
    for table in TABLES:
        con.execute(f"copy {table} to '{raw / (table + '.csv')}' (format csv, header true)")
    con.close()
    run = run_dbt(MODELS, raw, base / "work", raw_format="csv")
    assert run.returncode == 0, run.output[-4000:]
    return run


def test_order_date_and_order_month_are_local(local_calendar):
    got = {order_id: (country, order_date, order_month) for order_id, country, order_date, order_month in
           local_calendar.query("select order_id, country_code, order_date, order_month from marts.fct_orders")}
    assert got == {order: (country.upper(), local, local.replace(day=1))
                   for _, country, order, _, local in ORDERS}


def test_the_cohort_month_is_the_local_month_of_the_first_order(local_calendar):
    got = local_calendar.query("""
        select segment_value, cohort_start from marts.cohort_retention
        where segment_type = 'country' and cohort_grain = 'month' and period_number = 0""")
    assert sorted(got) == sorted((country.upper(), local.replace(day=1)) for _, country, _, _, local in ORDERS)


def test_the_monthly_mart_counts_each_order_in_its_local_month(local_calendar):
    got = local_calendar.query("""
        select country_code, country_name, activity_month, orders from marts.regional_engagement
        where geo_level = 'state' and orders > 0""")
    names = {"BR": "Brazil", "MX": "Mexico", "CL": "Chile"}
    assert sorted(got) == sorted((country.upper(), names[country.upper()], local.replace(day=1), 1)
                                 for _, country, _, _, local in ORDERS)
