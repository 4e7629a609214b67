"""The demo data generator: deterministic, shaped as designed, and its bad-row switch works."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import GeneratorSettingsError, append_days, generate
from engagement_warehouse.generator.bad_rows import BREAKS
from engagement_warehouse.generator.run import TABLES

from .conftest import read


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.parquet"))}


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path):
    generate(tmp_path / "a", scale=0.003, seed=5)
    generate(tmp_path / "b", scale=0.003, seed=5)
    generate(tmp_path / "c", scale=0.003, seed=6)
    first, second, other = digests(tmp_path / "a"), digests(tmp_path / "b"), digests(tmp_path / "c")
    assert sorted(first) == sorted(f"{t}.parquet" for t in TABLES)
    assert first == second
    assert first["orders.parquet"] != other["orders.parquet"]
    assert first["events.parquet"] != other["events.parquet"]


def test_every_file_has_exactly_the_contract_columns(small_parquet):
    import yaml

    contract = yaml.safe_load((Path(__file__).parents[1] / "models/staging/shop/_shop__sources.yml").read_text())
    tables = {t["name"]: [c["name"] for c in t["columns"]] for t in contract["sources"][0]["tables"]}
    optional = {t["name"] for t in contract["sources"][0]["tables"] if t.get("meta", {}).get("optional")}
    # every required table is generated; the optional ones it does not write are empty tables
    assert set(tables) - optional <= set(TABLES) <= set(tables)
    con = duckdb.connect()
    for table in TABLES:
        columns = tables[table]
        described = [row[0] for row in con.execute(f"describe select * from {read(small_parquet, table)}").fetchall()]
        assert described == columns, table


def test_bad_row_switch(tmp_path):
    clean = generate(tmp_path / "clean", scale=0.003, seed=3, bad_row_share=0.0)
    assert all(counts == {} for counts in clean.bad_rows.values())
    dirty = generate(tmp_path / "dirty", scale=0.003, seed=3, bad_row_share=0.05)
    for table in TABLES:
        broken = sum(dirty.bad_rows[table].values())
        n_original = clean.rows[table]
        duplicates = dirty.bad_rows[table].get("duplicate", 0)
        # every kind used, about 5% of the rows (planned over all simulated rows, a few of which
        # arrive after the export date), duplicates appended as extra rows
        assert set(dirty.bad_rows[table]) == {kind for kind, _ in BREAKS[table]}
        if n_original >= 200:
            assert 0.045 * n_original <= broken <= 0.055 * n_original, table
            assert min(dirty.bad_rows[table].values()) > 0, table
        else:
            assert 1 <= broken <= len(BREAKS[table]) + 1, table
        assert dirty.rows[table] == n_original + duplicates, table
    manifest = json.loads((tmp_path / "dirty" / "_generation.json").read_text())
    assert manifest["bad_rows"] == dirty.bad_rows
    con = duckdb.connect()
    # a few breaks, read back from the files
    orders = read(tmp_path / "dirty", "orders")
    assert con.execute(f"select count(*) from {orders} where currency = 'XXX'").fetchall()[0][0] == \
        dirty.bad_rows["orders"]["unknown_currency"]
    assert con.execute(f"select count(*) from {orders} where order_id is null").fetchall()[0][0] == \
        dirty.bad_rows["orders"]["missing_primary_key"]
    assert con.execute(f"select count(*) - count(distinct order_id) from {orders} where order_id is not null"
                       ).fetchall()[0][0] == dirty.bad_rows["orders"]["duplicate"]


def test_settings_are_checked(tmp_path):
    with pytest.raises(GeneratorSettingsError):
        generate(tmp_path, scale=0)
    with pytest.raises(GeneratorSettingsError):
        generate(tmp_path, file_format="xlsx")
    with pytest.raises(GeneratorSettingsError):
        generate(tmp_path, bad_row_share=0.7)


def test_csv_output_has_the_parquet_columns_and_row_keys(tmp_path):
    generate(tmp_path / "p", scale=0.002, seed=9)
    generate(tmp_path / "c", scale=0.002, seed=9, file_format="csv")
    con = duckdb.connect()
    for table in TABLES:
        parquet_columns = [r[0] for r in con.execute(f"describe select * from {read(tmp_path / 'p', table)}").fetchall()]
        csv_columns = [r[0] for r in con.execute(f"describe select * from {read(tmp_path / 'c', table, 'csv')}").fetchall()]
        assert parquet_columns == csv_columns, table
        first = parquet_columns[0]
        from_parquet = con.execute(f"select cast({first} as varchar) from {read(tmp_path / 'p', table)}").fetchall()
        from_csv = con.execute(f"select {first} from {read(tmp_path / 'c', table, 'csv')}").fetchall()
        assert from_parquet == from_csv, table


def test_cli_reports_rows_per_second(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "engagement_warehouse", "generate", "--out", str(tmp_path), "--scale", "0.002"],
        capture_output=True, text=True, check=True,
    )
    assert "rows/s" in completed.stdout
    bad = subprocess.run([sys.executable, "-m", "engagement_warehouse", "generate", "--out", str(tmp_path),
                          "--scale", "-1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "scale must be positive" in bad.stderr and "Traceback" not in bad.stderr


@pytest.fixture(scope="module")
def con(medium_clean):
    connection = duckdb.connect()
    for table in TABLES:
        connection.execute(f"create view {table} as select * from {read(medium_clean, table)}")
    return connection


class TestDesignedBehaviour:
    """The shapes the marts are meant to find (checked on ~8,000 customers, clean data)."""

    def scalar(self, con, sql):
        return con.execute(sql).fetchall()[0][0]

    def test_most_buyers_buy_once_and_a_loyal_minority_buys_often(self, con):
        one_time_share, top_decile_share = con.execute("""
            with per_customer as (select customer_id, count(*) as n from orders group by customer_id),
            ranked as (select n, ntile(10) over (order by n desc) as decile from per_customer)
            select avg(case when n = 1 then 1.0 else 0 end), sum(n) filter (decile = 1) * 1.0 / sum(n)
            from ranked
        """).fetchall()[0]
        assert 0.40 < one_time_share < 0.65
        assert top_decile_share > 0.45

    def test_payment_mix_differs_by_country(self, con):
        mix = dict(((c, m), s) for c, m, s in con.execute("""
            select c.country_code, o.payment_method,
                   count(*) * 1.0 / sum(count(*)) over (partition by c.country_code)
            from orders o join customers c using (customer_id) group by c.country_code, o.payment_method
        """).fetchall())
        assert 0.2 < mix[("BR", "pix")] < 0.4 and mix[("BR", "boleto")] > 0.05
        assert mix[("MX", "oxxo")] > 0.1 and mix[("MX", "cash_on_delivery")] > 0.08
        assert mix[("CO", "cash_on_delivery")] > 0.15
        assert ("CL", "pix") not in mix and ("CL", "oxxo") not in mix and ("BR", "oxxo") not in mix
        installments = dict(con.execute("""
            select c.country_code, avg(case when installments > 1 then 1.0 else 0 end)
            from orders o join customers c using (customer_id) where payment_method = 'credit_card' group by c.country_code
        """).fetchall())
        assert installments["AR"] > 0.6 and installments["BR"] > 0.55 and installments["PE"] < 0.35

    def test_whatsapp_and_instagram_are_sales_channels(self, con):
        shares = dict(con.execute("""
            select channel, count(*) * 1.0 / sum(count(*)) over () from orders group by channel
        """).fetchall())
        assert shares["whatsapp"] > 0.1 and shares["instagram"] > 0.07

    def test_cash_on_delivery_is_often_never_confirmed(self, con):
        never = self.scalar(con, """
            select avg(case when status in ('placed', 'cancelled') then 1.0 else 0 end) from orders
            where payment_method = 'cash_on_delivery'
        """)
        card = self.scalar(con, """
            select avg(case when status in ('placed', 'cancelled') then 1.0 else 0 end) from orders
            where payment_method = 'credit_card'
        """)
        assert 0.15 < never < 0.35 and card < 0.05

    def test_loyalty_members_buy_more_and_stay_longer(self, con):
        rows = dict((m, (orders, span)) for m, orders, span in con.execute("""
            select c.loyalty_joined_ts is not null, avg(n), avg(span_days)
            from (select customer_id, count(*) as n,
                         date_diff('day', min(order_ts), max(order_ts)) as span_days
                  from orders group by customer_id) o
            join customers c using (customer_id) group by 1
        """).fetchall())
        assert rows[True][0] > 2 * rows[False][0]
        assert rows[True][1] > 2 * rows[False][1]

    def test_seasonal_peaks(self, con):
        ratio_mothers_day, ratio_black_friday = con.execute("""
            with daily as (select cast(order_ts as date) as d, count(*) as n from orders group by 1)
            select
                avg(n) filter (month(d) = 5 and day(d) between 1 and 12)
                    / avg(n) filter (month(d) = 4 or (month(d) = 5 and day(d) > 15)),
                avg(n) filter (month(d) = 11 and day(d) between 20 and 30)
                    / avg(n) filter (month(d) = 10 or (month(d) = 11 and day(d) < 15))
            from daily where year(d) between 2024 and 2025
        """).fetchall()[0]
        assert ratio_mothers_day > 1.5 and ratio_black_friday > 1.8

    def test_promoters_reorder_more_than_detractors(self, con):
        rates = dict(con.execute("""
            with nps as (
                select f.customer_id, f.submitted_ts,
                       case when score >= 9 then 'promoter' when score <= 6 then 'detractor' else 'passive' end as kind
                from feedback f where survey_type = 'nps'
            )
            select kind, avg(case when exists (
                select 1 from orders o where o.customer_id = nps.customer_id
                and o.order_ts between nps.submitted_ts and nps.submitted_ts + interval 90 day) then 1.0 else 0 end)
            from nps group by kind
        """).fetchall())
        assert rates["promoter"] > 1.5 * rates["detractor"]

    def test_comments_in_three_languages_with_accents_and_emoji(self, con):
        languages = {r[0] for r in con.execute("select distinct language from feedback").fetchall()}
        assert languages == {"es", "pt", "en"}
        assert self.scalar(con, "select count(*) from feedback where comment like '%ã%' or comment like '%é%'") > 0
        assert self.scalar(con, "select count(*) from feedback where regexp_matches(comment, '[😍😞💍❤✨]')") > 0

    def test_guest_checkouts_share_an_email_with_an_account(self, con):
        shared = self.scalar(con, """
            select count(*) from (select email from customers where email is not null
                                  group by email having count(*) = 2)
        """)
        customers = self.scalar(con, "select count(*) from customers")
        assert 0.01 * customers < shared < 0.10 * customers

    def test_anonymous_visitors_who_later_identify(self, con):
        stitched = self.scalar(con, """
            select count(*) from (
                select anonymous_id from events where anonymous_id is not null group by anonymous_id
                having count(*) filter (customer_id is null) > 0 and count(*) filter (customer_id is not null) > 0
                   and min(event_ts) filter (customer_id is null) < min(event_ts) filter (customer_id is not null))
        """)
        assert stitched > 100
        never = self.scalar(con, """
            select count(*) from (select anonymous_id from events group by anonymous_id
                                  having count(customer_id) = 0)
        """)
        customers = self.scalar(con, "select count(*) from customers")
        assert 0.25 * customers < never < 0.5 * customers  # ANONYMOUS_VISITOR_SHARE = 0.35

    def test_marketing_spend_every_day_for_the_main_markets(self, con):
        countries = {r[0] for r in con.execute("select distinct country_code from marketing_spend").fetchall()}
        assert {"br", "mx", "co", "ar", "cl", "pe"} <= countries
        assert self.scalar(con, "select min(amount) from marketing_spend") >= 0


def test_append_day_exports_the_same_world_one_day_later(tmp_path):
    """append-day gives the same files as exporting the later date directly, keeps every row of
    the earlier export, and adds the day's rows plus app events of earlier days that arrived late."""
    first = generate(tmp_path / "daily", scale=0.01, seed=4, end=date(2026, 9, 30))
    before = {table: _rows(tmp_path / "daily", table) for table in TABLES}
    appended = append_days(tmp_path / "daily")
    generate(tmp_path / "direct", scale=0.01, seed=4, end=date(2026, 10, 1),
             simulate_until=date.fromisoformat(first.simulated_until))
    assert digests(tmp_path / "daily") == digests(tmp_path / "direct")
    assert appended.end_date == "2026-10-01"
    for table in TABLES:
        assert not before[table] - _rows(tmp_path / "daily", table), f"{table}: rows of the earlier export are missing"
    # event rows: (event_id, event_ts, customer_id, anonymous_id, event_type, platform, ...)
    added = _rows(tmp_path / "daily", "events") - before["events"]
    on_time = [row for row in added if row[1] is not None and row[1].date() == date(2026, 9, 30)]
    late = [row for row in added if row[1] is not None and row[1].date() < date(2026, 9, 30)]
    assert len(on_time) > 100
    assert late, "some app events of earlier days arrive late"
    assert {row[5] for row in late} <= {"ios", "android"}
    assert not [row for row in added if row[1] is not None and date(2026, 10, 1) <= row[1].date() < date(2099, 1, 1)]


def _rows(folder: Path, table: str) -> set[tuple]:
    with duckdb.connect() as con:
        return set(con.execute(f"select * from {read(folder, table)}").fetchall())
