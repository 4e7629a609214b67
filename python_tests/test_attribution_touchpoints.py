"""The touchpoint grain of attribution, the analysis order_attribution_touchpoints, adds up to the
mart fct_order_attribution: both come from macro attribution_touchpoints_credited, the analysis
joins the order's and the session's columns back by key. Its rows are counted independently here
from fct_orders and fct_sessions (every session of the order's person in the 30 days up to the
order, or one row for an order without one, under each of the five models)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from .conftest import run_dbt

MODELS = 5
WINDOW_DAYS = 30


@pytest.fixture(scope="module")
def touchpoints(built_warehouse, tmp_path_factory):
    work = tmp_path_factory.mktemp("touchpoints")
    shutil.copy(built_warehouse.database, work / "warehouse.duckdb")
    run = run_dbt(["compile", "--select", "order_attribution_touchpoints"], built_warehouse.raw_dir, work)
    assert run.returncode == 0, run.output[-3000:]
    sql = (work / "target" / "compiled" / "latam_engagement" / "analyses" / "order_attribution_touchpoints.sql").read_text()
    con = duckdb.connect(str(work / "warehouse.duckdb"))
    con.execute(f"create temp table touchpoints as {sql}")
    yield con
    con.close()


def test_the_touchpoints_are_every_session_in_each_orders_window_under_each_model(touchpoints):
    expected = touchpoints.execute(f"""
        select sum(greatest(sessions, 1)) * {MODELS}
        from (
            select orders.order_id, count(sessions.session_id) as sessions
            from marts.fct_orders as orders
            left join marts.fct_sessions as sessions
                on orders.person_key = sessions.person_key
                and sessions.session_start_ts <= orders.order_ts
                and sessions.session_start_ts > orders.order_ts - interval {WINDOW_DAYS} day
            where orders.is_confirmed_order
            group by orders.order_id
        )
    """).fetchone()[0]
    assert expected > 0
    assert touchpoints.execute("select count(*) from touchpoints").fetchone()[0] == expected
    # the columns joined back by key are filled wherever the key is
    assert touchpoints.execute("""
        select count(*) from touchpoints
        where order_date is null or (session_id is not null and (session_start_ts is null or hours_before_order is null))
    """).fetchone() == (0,)


def test_the_touchpoints_add_up_to_the_mart_by_order_model_and_channel(touchpoints):
    only_touchpoints, only_mart, worst_credit = touchpoints.execute("""
        with by_channel as (
            select order_id, attribution_model, session_channel, count(session_id) as channel_touchpoints,
                sum(credit) as credit, sum(attributed_net_revenue_usd) as attributed_net_revenue_usd
            from touchpoints
            group by all
        ),
        mart as (
            select order_id, attribution_model, session_channel, channel_touchpoints, credit, attributed_net_revenue_usd
            from marts.fct_order_attribution
        )
        select
            (select count(*) from (select * exclude (credit) from by_channel except all select * exclude (credit) from mart)),
            (select count(*) from (select * exclude (credit) from mart except all select * exclude (credit) from by_channel)),
            (select max(abs(by_channel.credit - mart.credit)) from by_channel
             inner join mart using (order_id, attribution_model, session_channel))
    """).fetchone()
    assert (only_touchpoints, only_mart) == (0, 0)
    # the mart rounds the channel's exact share once, the touchpoints each share: 12 decimals each
    assert worst_credit < 1e-10
