"""The generator's designed churn effects (issue 20), measured from the raw files alone.

The design (engagement_warehouse/generator/markets.py, CHURN_DRIVERS_BY_MARKET): a person who
drops out of the buying process browses less from that moment, in Brazil stops sharing and
WhatsApp-ing, in Mexico stops sending referrals, and often answers the survey about their final
order as a detractor. Each check below is computed with DuckDB from the Parquet files (not from
the generator's internals) at a snapshot S 180 days before the last order, on persons active at
S (a confirmed order in the 365 days before S), labelled churned when they have no confirmed
order in (S, S + 90 days]. The figures in the comments were measured at scale 0.05, seed 42,
with this generator and with the one before issue 20 ("main"); each assertion fails on main's.
"""

from __future__ import annotations

import duckdb
import pytest

from engagement_warehouse.generator import generate
from engagement_warehouse.generator.markets import CHURN_DRIVERS_BY_MARKET, MARKETS

from .conftest import read

CONFIRMED = "('paid', 'shipped', 'delivered')"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("churn_design")
    generate(folder, scale=0.05, seed=42, bad_row_share=0.0)
    connection = duckdb.connect()
    for table in ("customers", "orders", "events", "feedback"):
        connection.execute(f"create view {table} as select * from {read(folder, table)}")
    connection.execute(f"""
        create table active as
        with snapshot as (select max(order_ts) - interval 180 day as s from orders),
        confirmed as (select * from orders where status in {CONFIRMED}),
        persons as (
            select o.customer_id, lower(c.country_code) as market, max(o.order_ts) as last_order
            from confirmed as o join customers as c using (customer_id), snapshot
            where o.order_ts <= snapshot.s and o.order_ts > snapshot.s - interval 365 day
            group by 1, 2
        )
        select persons.*, snapshot.s, date_diff('day', persons.last_order, snapshot.s) as recency_days,
               not exists (select 1 from confirmed as o where o.customer_id = persons.customer_id
                           and o.order_ts > snapshot.s and o.order_ts <= snapshot.s + interval 90 day) as churned
        from persons, snapshot
    """)
    return connection


def signal_drop_churn(con, event_types: str, markets: str) -> dict[bool, tuple[int, float]]:
    """Persons (of the markets) who last ordered 20 days or more before S and sent the events in
    the 90 days before the last 30: {signal dropped (none in the last 30 days): (persons, share
    churned)}. The recency floor leaves out what purchase timing alone tells."""
    rows = con.execute(f"""
        with counts as (
            select a.customer_id, a.churned,
                   count(e.event_id) filter (e.event_ts > a.s - interval 30 day) as last_30,
                   count(e.event_id) filter (e.event_ts <= a.s - interval 30 day) as prior_90
            from active as a
            left join events as e
                on e.customer_id = a.customer_id and e.event_type in ({event_types})
                and e.event_ts <= a.s and e.event_ts > a.s - interval 120 day
            where a.recency_days >= 20 and a.market in ({markets})
            group by 1, 2
        )
        select last_30 = 0, count(*), avg(churned::int) from counts where prior_90 > 0 group by 1
    """).fetchall()
    return {dropped: (n, rate) for dropped, n, rate in rows}


OTHER_MARKETS = "'co', 'ar', 'cl', 'pe', 'uy', 'ec', 'cr', 'pa', 'us', 'es'"


def test_in_brazil_a_person_who_still_shares_is_alive(con):
    """Brazil: social shares and WhatsApp messages stop at the dropout, so among persons who had
    them, those who keep them up in the last 30 days rarely churn; elsewhere (no such stop) they
    do much more often. Measured: br kept 53 persons, 3.8% churned; dropped 66, 74.2%; other
    markets kept 77, 23.4%. Main's generator: br kept 68, 27.9%; other markets kept 89, 31.5%."""
    signature = "'social_share', 'whatsapp_message'"
    brazil = signal_drop_churn(con, signature, "'br'")
    others = signal_drop_churn(con, signature, OTHER_MARKETS)
    assert brazil[False][0] > 30 and others[False][0] > 30
    assert brazil[False][1] < 0.12
    assert brazil[True][1] - brazil[False][1] > 0.5
    assert others[False][1] - brazil[False][1] > 0.10  # the stop is Brazil's


def test_in_mexico_a_person_who_sends_referrals_is_alive(con):
    """Mexico: referrals stop at the dropout (and alive Mexicans send four times more), so a
    referral sent after the person's last order before S says alive there more than elsewhere.
    Measured (recency 20 days or more): mx senders 31 persons, 12.9% churned; other markets'
    senders 103, 65.0% (they keep browsing for 60 days after dropping out). Main's generator:
    mx 48, 83.3%; other markets 145, 75.9%."""
    rates = dict(((market, sent), (n, rate)) for market, sent, n, rate in con.execute(f"""
        select case when a.market = 'mx' then 'mx' else 'other' end, exists (
                   select 1 from events as e where e.customer_id = a.customer_id and e.event_type = 'referral_sent'
                   and e.event_ts <= a.s and e.event_ts > a.last_order) as sent,
               count(*), avg(churned::int)
        from active as a where a.recency_days >= 20 group by 1, 2
    """).fetchall())
    assert rates[("mx", True)][0] > 20
    assert rates[("mx", True)][1] < 0.30
    assert rates[("other", True)][1] - rates[("mx", True)][1] > 0.30


def test_the_survey_about_the_final_order_sours(con):
    """The NPS about a person's last confirmed order (more than 180 days before the end, so they
    churned) is lower than their NPS about earlier orders, and is a detractor's more often; and at
    S a detractor's latest NPS goes with a much higher no-order rate than a promoter's. Measured:
    112 persons, final minus earlier score -2.05, detractors 56.3% of final answers against 24.8%
    of earlier ones. Main's generator: -0.24 (the rest not reached). The detractor / promoter gap
    at S holds on main too (about 0.93 against 0.29, through the latent loyalty): it is kept as
    a guard, not as the proof."""
    n, drop, final_detractors, earlier_detractors = con.execute(f"""
        with confirmed as (select * from orders where status in {CONFIRMED}),
        last_order as (select customer_id, max(order_ts) as last_ts from confirmed group by 1),
        answers as (
            select f.customer_id, f.score, o.order_ts, l.last_ts
            from feedback as f join orders as o using (order_id) join last_order as l on l.customer_id = f.customer_id
            where f.survey_type = 'nps' and o.status in {CONFIRMED}
        ),
        per_person as (
            select customer_id,
                   avg(score) filter (order_ts = last_ts) as final_score,
                   avg(score) filter (order_ts < last_ts) as earlier_score,
                   avg((score <= 6)::int) filter (order_ts = last_ts) as final_detractor,
                   avg((score <= 6)::int) filter (order_ts < last_ts) as earlier_detractor
            from answers where last_ts < (select max(order_ts) from orders) - interval 180 day group by 1
        )
        select count(*), avg(final_score - earlier_score), avg(final_detractor), avg(earlier_detractor)
        from per_person where final_score is not null and earlier_score is not null
    """).fetchall()[0]
    assert n > 60
    assert drop < -1.0
    assert final_detractors - earlier_detractors > 0.15
    rates = dict(con.execute("""
        with latest as (
            select a.customer_id, a.churned, arg_max(f.score, f.submitted_ts) as score
            from active as a join feedback as f
                on f.customer_id = a.customer_id and f.survey_type = 'nps' and f.submitted_ts <= a.s
            group by 1, 2
        )
        select case when score <= 6 then 'detractor' when score >= 9 then 'promoter' else 'passive' end,
               avg(churned::int)
        from latest group by 1
    """).fetchall())
    assert rates["detractor"] - rates["promoter"] > 0.4


def test_the_drivers_of_every_market_are_named_in_the_churn_features():
    vocabulary = {"social_shares_trend", "whatsapp_messages_trend", "sessions_trend", "product_views_trend",
                  "wishlist_adds_trend", "email_clicks_trend", "referrals_sent", "frequency", "recency_days",
                  "latest_nps", "is_detractor", "negative_comment_share"}
    assert set(CHURN_DRIVERS_BY_MARKET) == {m.country_code for m in MARKETS}
    assert all(drivers and set(drivers) <= vocabulary for drivers in CHURN_DRIVERS_BY_MARKET.values())
    assert CHURN_DRIVERS_BY_MARKET["br"][0] == "social_shares_trend"
    assert CHURN_DRIVERS_BY_MARKET["mx"][0] == "referrals_sent"
