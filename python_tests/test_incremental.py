"""Incremental runs give the same warehouse as a full refresh.

The scenario of a daily run: the warehouse is built from the export of 2026-09-30, the generator
appends the next day (new orders, events, feedback, and app events of earlier days that arrived
late), and an incremental run follows. A full refresh on the same files must give the same rows
in every table; only `loaded_at`, which records when a row was computed, may differ.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from engagement_warehouse.generator import append_days, generate

from .conftest import MODELS_AND_SEEDS, DbtRun, read, run_dbt

EXPORT_DATE = date(2026, 9, 30)


def tables(database) -> dict[str, list[str]]:
    """Every table of the warehouse with its columns, loaded_at left out, and the run history
    (schema history: a record of the runs themselves, which differ by construction) left out."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute("""
            select schema_name || '.' || table_name, list(column_name order by column_index)
            from duckdb_columns()
            where database_name = current_database() and column_name != 'loaded_at' and schema_name != 'history'
                and (schema_name, table_name) in (select schema_name, table_name from duckdb_tables())
            group by all
        """).fetchall()
    return dict(rows)


@dataclass(frozen=True)
class DailyRun:
    """A first build, an appended day built incrementally and the same data built in full, with
    what the appended day changed in the raw events (computed from the two exports' files)."""

    incremental: DbtRun
    full: DbtRun
    late_event_ids: list[str]
    changed_event_ids: set[str | None]
    first_customer_ids: set[str | None]


@pytest.fixture(scope="module")
def daily_run(tmp_path_factory) -> DailyRun:
    work = tmp_path_factory.mktemp("incremental")
    raw = work / "raw"
    generate(raw, scale=0.01, seed=42, end=EXPORT_DATE)
    first = run_dbt(MODELS_AND_SEEDS, raw, work / "incremental")
    assert first.returncode == 0, first.output[-3000:]

    first_events = f"read_parquet('{work / 'first_events.parquet'}')"
    shutil.copy(raw / "events.parquet", work / "first_events.parquet")
    shutil.copy(raw / "customers.parquet", work / "first_customers.parquet")
    append_days(raw, days=1)
    (work / "full").mkdir()
    shutil.copy(first.database, work / "full" / "warehouse.duckdb")
    incremental = run_dbt(MODELS_AND_SEEDS, raw, work / "incremental")
    assert incremental.returncode == 0, incremental.output[-3000:]
    full = run_dbt([*MODELS_AND_SEEDS, "--full-refresh"], raw, work / "full")
    assert full.returncode == 0, full.output[-3000:]
    with duckdb.connect() as con:
        # app events of the day before the appended day that arrived late (absent from the first export)
        late_ids = [row[0] for row in con.execute(f"""
            select event_id from {read(raw, 'events')}
            where event_ts < timestamp '{EXPORT_DATE}' and event_id is not null
                and event_id not in (select event_id from {first_events} where event_id is not null)
        """).fetchall()]
        # the event ids (cleaned as the base model cleans them) whose raw rows changed between the
        # two exports: new ids and ids with another number of rows; and the first export's customers
        id_rows = "select nullif(trim(event_id), '') as event_id, count(*) as raw_rows from {} group by 1"
        changed_event_ids = {row[0] for row in con.execute(f"""
            select coalesce(now_rows.event_id, first_rows.event_id)
            from ({id_rows.format(read(raw, 'events'))}) as now_rows
            full outer join ({id_rows.format(first_events)}) as first_rows
                on now_rows.event_id is not distinct from first_rows.event_id
            where now_rows.raw_rows is distinct from first_rows.raw_rows
        """).fetchall()}
        first_customer_ids = {row[0] for row in con.execute(
            f"select distinct nullif(trim(customer_id), '') from read_parquet('{work / 'first_customers.parquet'}')").fetchall()}
    return DailyRun(incremental, full, late_ids, changed_event_ids, first_customer_ids)


def test_the_appended_day_has_late_events_that_join_earlier_sessions(daily_run):
    late_ids = daily_run.late_event_ids
    incremental = daily_run.incremental
    assert late_ids, "the appended day should carry app events of the previous day that arrived late"
    id_list = ", ".join(f"'{event_id}'" for event_id in late_ids)
    # a late event that lands in a session with events of the first export: the run had to
    # re-sessionize history, not just add sessions
    joined = incremental.query(f"""
        select count(distinct session_id) from intermediate.int_events_sessionized
        where session_id in (select session_id from intermediate.int_events_sessionized where event_id in ({id_list}))
            and event_id not in ({id_list}) and event_ts < timestamp '{EXPORT_DATE}'
    """)[0][0]
    assert joined >= 1


def assert_the_event_models_kept_most_rows(incremental: DbtRun) -> None:
    """The event models of an incremental run hold rows of two load times, most of them from the
    first run: the run was incremental, not a rebuild."""
    for model in ("staging.base_shop__events", "intermediate.int_events_sessionized", "marts.fct_sessions"):
        runs, kept, total = incremental.query(f"""
            select count(distinct loaded_at), count(*) filter (where loaded_at = (select min(loaded_at) from {model})),
                count(*)
            from {model}
        """)[0]
        # two load times, and most rows kept from the first run
        assert runs == 2, model
        assert kept > 0.9 * total, model


def test_the_second_run_was_incremental(daily_run):
    assert_the_event_models_kept_most_rows(daily_run.incremental)


def test_base_shop__events_reloads_only_the_events_that_changed(daily_run):
    """A reloaded event gets a new loaded_at, which every incremental model downstream takes as a
    change: reloading unchanged events (say, every id of a hash bucket that changed) keeps the
    rows equal to a full refresh but makes the daily run redo their visitors and persons. Every
    event the run reloaded must have changed raw rows, or a customer that the first export did not
    have (new, or erased since: the token), or a rejection (a rule reading another table)."""
    reloaded = daily_run.incremental.query("""
        select event_id, customer_id, rejection_rule from staging.base_shop__events
        where loaded_at = (select max(loaded_at) from staging.base_shop__events)
    """)
    assert reloaded and daily_run.changed_event_ids
    unexplained = [row for row in reloaded
                   if row[0] not in daily_run.changed_event_ids and row[2] is None
                   and (row[1] is None or row[1] in daily_run.first_customer_ids)]
    assert unexplained == [], f"{len(unexplained)} of {len(reloaded)} reloaded events did not change: {unexplained[:5]}"


def test_incremental_run_equals_full_refresh_in_every_table(daily_run):
    assert "marts.fct_sessions" in tables(daily_run.incremental.database)
    assert differences(daily_run.incremental, daily_run.full) == {}


# --- Later deliveries that change what is already loaded -----------------------------------------
# Each scenario starts from the same first build, changes the raw files as a later export would,
# then runs an incremental build on a copy of that warehouse and a full refresh on another: the
# two must hold the same rows in every table.

# app events of 5 to 8 days before the end of the first export that reach it only later (beyond
# the 3-day lookback window incremental runs used to have): a tenth of those days' events, by id
LATE_EVENTS = (
    "event_ts >= timestamp '2026-09-22' and event_ts < timestamp '2026-09-25' "
    "and event_id is not null and hash(event_id) % 10 = 0"
)
# the later export's rows are exported after everything in the first one
LATER_EXPORT_TS = "((select max(updated_at) from old) + interval 1 day)"


@dataclass
class FirstBuild:
    raw_dir: Path
    all_events: Path
    database: Path


@dataclass
class Scenario:
    incremental: DbtRun
    full: DbtRun
    facts: dict


def differences(incremental: DbtRun, full: DbtRun) -> dict[str, tuple[int, int, int]]:
    """Per table whose rows differ (loaded_at left out): rows only in the incremental build, rows
    only in the full refresh, rows of the incremental build."""
    incremental_tables, full_tables = tables(incremental.database), tables(full.database)
    assert incremental_tables == full_tables
    con = duckdb.connect()
    con.execute(f"attach '{incremental.database}' as incremental (read_only)")
    con.execute(f"attach '{full.database}' as full_refresh (read_only)")
    found = {}
    for table, columns in incremental_tables.items():
        select = ", ".join(f'"{column}"' for column in columns)
        only_incremental, only_full, rows = con.execute(f"""
            select
                (select count(*) from (select {select} from incremental.{table}
                                       except all select {select} from full_refresh.{table})),
                (select count(*) from (select {select} from full_refresh.{table}
                                       except all select {select} from incremental.{table})),
                (select count(*) from incremental.{table})
        """).fetchone()
        if only_incremental or only_full:
            found[table] = (only_incremental, only_full, rows)
    con.close()
    return found


def rewrite_raw(raw: Path, table: str, sql: str) -> None:
    """Replaces a raw Parquet file by the result of `sql`, which reads the old rows as `old`."""
    path = raw / f"{table}.parquet"
    with duckdb.connect() as con:
        con.execute(f"create table old as select * from read_parquet('{path}')")
        con.execute(f"copy ({sql}) to '{path}' (format parquet)")


@pytest.fixture(scope="module")
def first_build(tmp_path_factory) -> FirstBuild:
    """The export of 2026-09-30 built once, without the late events (kept apart for scenario 2)."""
    work = tmp_path_factory.mktemp("first_build")
    raw = work / "raw"
    generate(raw, scale=0.01, seed=42, end=EXPORT_DATE)
    all_events = work / "all_events.parquet"
    shutil.copy(raw / "events.parquet", all_events)
    rewrite_raw(raw, "events", f"select * from old where not ({LATE_EVENTS})")
    run = run_dbt(MODELS_AND_SEEDS, raw, work / "build")
    assert run.returncode == 0, run.output[-3000:]
    return FirstBuild(raw, all_events, run.database)


def run_scenario(first: FirstBuild, work: Path, change) -> Scenario:
    """Copies the first export and warehouse, lets `change(raw, first_build_connection)` edit the
    raw files (it returns facts for the assertions), then builds incrementally and in full."""
    raw = work / "raw"
    shutil.copytree(first.raw_dir, raw)
    with duckdb.connect(str(first.database), read_only=True) as con:
        facts = change(raw, con)
    for folder in ("incremental", "full"):
        (work / folder).mkdir()
        shutil.copy(first.database, work / folder / "warehouse.duckdb")
    incremental = run_dbt(MODELS_AND_SEEDS, raw, work / "incremental")
    assert incremental.returncode == 0, incremental.output[-3000:]
    full = run_dbt([*MODELS_AND_SEEDS, "--full-refresh"], raw, work / "full")
    assert full.returncode == 0, full.output[-3000:]
    return Scenario(incremental, full, facts)


def customer_corrections(raw: Path, con) -> dict:
    """Two rejected customers whose events were rejected as unknown_customer are re-delivered
    corrected; a clean customer is re-delivered with a country code that does not exist; the
    clean customer with the most events moves to another country (another time zone)."""
    rejected = con.execute("""
        select customers.customer_id, customers.rejected_column, count(*) as events
        from staging.base_shop__customers as customers
        inner join staging.base_shop__events as events
            on events.customer_id = customers.customer_id and events.rejection_rule = 'unknown_customer'
        where customers.rejected_column in ('country_code', 'acquisition_channel')
        group by all
        order by events desc
        limit 2
    """).fetchall()
    assert len(rejected) == 2 and all(events > 0 for _, _, events in rejected), rejected
    clean_events = dict(con.execute("""
        select customer_id, count(*) from staging.stg_shop__events
        where customer_id in (select customer_id from staging.stg_shop__customers)
        group by all order by 2 desc limit 2
    """).fetchall())
    moved, invalidated = list(clean_events)
    fixes = {column: con.execute(f"""
        select raw.{column} from read_parquet('{raw / 'customers.parquet'}') as raw
        inner join staging.stg_shop__customers as customers on raw.customer_id = customers.customer_id
        where raw.country_code = 'MX'
        order by raw.customer_id limit 1
    """).fetchone()[0] for column in ("country_code", "acquisition_channel")}
    country_now = con.execute(
        f"select country_code from staging.stg_shop__customers where customer_id = '{moved}'").fetchone()[0]
    updates = {customer_id: {column: fixes[column]} for customer_id, column, _ in rejected}
    updates[moved] = {"country_code": "AR" if country_now.upper() != "AR" else "MX"}
    updates[invalidated] = {"country_code": "XX"}
    with duckdb.connect() as raw_con:
        columns = [row[0] for row in raw_con.execute(
            f"describe select * from read_parquet('{raw / 'customers.parquet'}')").fetchall()]

    def value(column: str) -> str:
        if column == "updated_at":
            return f"{LATER_EXPORT_TS} as updated_at"
        cases = " ".join(f"when customer_id = '{customer_id}' then '{update[column]}'"
                         for customer_id, update in updates.items() if column in update)
        return f"case {cases} else {column} end as {column}" if cases else column

    ids = ", ".join(f"'{customer_id}'" for customer_id in updates)
    rewrite_raw(raw, "customers", f"""
        select * from old
        union all
        select {", ".join(value(column) for column in columns)}
        from old
        where customer_id in ({ids})
        qualify row_number() over (partition by customer_id order by updated_at desc) = 1
    """)
    dates_before = dict(con.execute(
        f"select event_id, event_date from intermediate.int_events_sessionized where customer_id = '{moved}'").fetchall())
    return {"corrected": {customer_id: events for customer_id, _, events in rejected},
            "invalidated": (invalidated, clean_events[invalidated]), "moved": (moved, dates_before)}


@pytest.fixture(scope="module")
def corrected_customers(first_build, tmp_path_factory) -> Scenario:
    return run_scenario(first_build, tmp_path_factory.mktemp("corrected_customers"), customer_corrections)


def test_corrected_customers_events_are_accepted_as_in_a_full_refresh(corrected_customers):
    incremental, full, facts = corrected_customers.incremental, corrected_customers.full, corrected_customers.facts
    for customer_id, rejected_before in facts["corrected"].items():
        for run in (incremental, full):
            # every event rejected only for its unknown customer is clean now
            assert run.query(f"""
                select count(*) filter (where rejection_rule is null),
                    count(*) filter (where rejection_rule = 'unknown_customer')
                from staging.base_shop__events where customer_id = '{customer_id}'
            """)[0] == (rejected_before, 0)
    invalidated, clean_before = facts["invalidated"]
    for run in (incremental, full):
        assert run.query(f"""
            select count(*) from staging.base_shop__events
            where customer_id = '{invalidated}' and rejection_rule = 'unknown_customer'
        """)[0][0] == clean_before
        assert run.query(f"""
            select count(*) from intermediate.int_events_sessionized where customer_id = '{invalidated}'
        """)[0][0] == 0
    # the customer who moved has events on other local dates now (late evening in one zone is the
    # next day in the other)
    moved, dates_before = facts["moved"]
    dates_now = dict(incremental.query(
        f"select event_id, event_date from intermediate.int_events_sessionized where customer_id = '{moved}'"))
    assert dates_now.keys() == dates_before.keys()
    assert sum(dates_now[event_id] != dates_before[event_id] for event_id in dates_now) > 0
    assert differences(incremental, full) == {}


def late_events(first: FirstBuild):
    def change(raw: Path, con) -> dict:
        shutil.copy(first.all_events, raw / "events.parquet")
        with duckdb.connect() as raw_con:
            late = raw_con.execute(f"select count(*) from read_parquet('{first.all_events}') where {LATE_EVENTS}").fetchone()[0]
        return {"late": late}
    return change


@pytest.fixture(scope="module")
def late_events_scenario(first_build, tmp_path_factory) -> Scenario:
    return run_scenario(first_build, tmp_path_factory.mktemp("late_events"), late_events(first_build))


def test_events_5_to_8_days_late_are_loaded_as_in_a_full_refresh(late_events_scenario):
    incremental, full, facts = late_events_scenario.incremental, late_events_scenario.full, late_events_scenario.facts
    assert facts["late"] > 50
    for run in (incremental, full):
        assert run.query(f"select count(*) from staging.base_shop__events where {LATE_EVENTS}")[0][0] == facts["late"]
    assert differences(incremental, full) == {}


def old_event_redeliveries(raw: Path, con) -> dict:
    """Two clean events of about 60 days before the export are delivered again, changed: one two
    hours earlier (its new version is kept: versions are ordered by their values), one with an
    event type that does not exist (kept too, so the event is now rejected)."""
    moved, broken = [row[0] for row in con.execute("""
        select event_id from intermediate.int_events_sessionized
        where customer_id is not null and event_ts between timestamp '2026-07-31' and timestamp '2026-08-02'
            and event_type != 'a_made_up_type'
        order by event_id limit 2
    """).fetchall()]
    rewrite_raw(raw, "events", f"""
        select * from old
        union all
        select * replace (event_ts - interval 2 hour as event_ts) from old where event_id = '{moved}'
        union all
        select * replace ('a_made_up_type' as event_type) from old where event_id = '{broken}'
    """)
    moved_to = con.execute(
        f"select event_ts - interval 2 hour from staging.base_shop__events where event_id = '{moved}'").fetchone()[0]
    return {"moved": (moved, moved_to), "broken": broken}


@pytest.fixture(scope="module")
def redelivered_events(first_build, tmp_path_factory) -> Scenario:
    return run_scenario(first_build, tmp_path_factory.mktemp("redelivered_events"), old_event_redeliveries)


def test_a_60_day_old_redelivered_event_replaces_its_version_as_in_a_full_refresh(redelivered_events):
    incremental, full, facts = redelivered_events.incremental, redelivered_events.full, redelivered_events.facts
    moved, moved_to = facts["moved"]
    for run in (incremental, full):
        assert run.query(f"""
            select rejection_rule, event_ts from staging.base_shop__events where event_id = '{moved}'
            order by rejection_rule nulls first
        """) == [(None, moved_to), ("duplicate_key_superseded", moved_to + timedelta(hours=2))]
        assert run.query(f"""
            select rejection_rule from staging.base_shop__events where event_id = '{facts["broken"]}'
            order by rejection_rule
        """) == [("duplicate_key_superseded",), ("unknown_enum_value",)]
        assert run.query(f"""
            select count(*) from intermediate.int_events_sessionized where event_id = '{facts["broken"]}'
        """)[0][0] == 0
    assert differences(incremental, full) == {}


def event_removals(raw: Path, con) -> dict:
    """A later export without some rows the first one had: three clean events of about 60 days
    before the export, one of the two rows of an event delivered twice, and every row without an
    event id (which the base model holds under one key, '')."""
    removed = [row[0] for row in con.execute("""
        select event_id from intermediate.int_events_sessionized
        where event_ts between timestamp '2026-07-31' and timestamp '2026-08-02'
        order by event_id limit 3
    """).fetchall()]
    twice = con.execute("""
        select event_id from staging.base_shop__events
        where event_id is not null
        group by event_id having count(*) = 2
        order by event_id limit 1
    """).fetchone()[0]
    ids = ", ".join(f"'{event_id}'" for event_id in removed)
    rewrite_raw(raw, "events", f"""
        select * exclude (row_of_id) from (
            select *, row_number() over (partition by trim(event_id)) as row_of_id from old
        )
        where nullif(trim(event_id), '') is not null and trim(event_id) not in ({ids})
            and not (trim(event_id) = '{twice}' and row_of_id = 2)
    """)
    without_id = con.execute("select count(*) from staging.base_shop__events where event_id is null").fetchone()[0]
    return {"removed": removed, "twice": twice, "without_id": without_id}


@pytest.fixture(scope="module")
def removed_events(first_build, tmp_path_factory) -> Scenario:
    return run_scenario(first_build, tmp_path_factory.mktemp("removed_events"), event_removals)


def test_events_gone_from_a_later_export_are_deleted_as_in_a_full_refresh(removed_events):
    incremental, full, facts = removed_events.incremental, removed_events.full, removed_events.facts
    assert len(facts["removed"]) == 3 and facts["without_id"] > 0
    ids = ", ".join(f"'{event_id}'" for event_id in facts["removed"])
    for run in (incremental, full):
        assert run.query(f"""
            select
                count(*) filter (where event_id in ({ids})),
                count(*) filter (where event_id = '{facts["twice"]}'),
                count(*) filter (where event_id is null),
                count(*) filter (where loaded_at is null)
            from staging.base_shop__events
        """) == [(0, 1, 0, 0)]
        assert run.query(f"select count(*) from intermediate.int_events_sessionized where event_id in ({ids})") == [(0,)]
    assert differences(incremental, full) == {}


def order_status_change(raw: Path, con) -> dict:
    """A delivered order of about 60 days before the export is re-delivered as returned."""
    order_id = con.execute("""
        select order_id from staging.stg_shop__orders
        where status = 'delivered' and order_ts between timestamp '2026-07-25' and timestamp '2026-08-02'
        order by order_id limit 1
    """).fetchone()[0]
    rewrite_raw(raw, "orders", f"""
        select * from old
        union all
        select * replace ('returned' as status, {LATER_EXPORT_TS} as updated_at)
        from old where order_id = '{order_id}'
        qualify row_number() over (partition by order_id order by updated_at desc) = 1
    """)
    return {"order_id": order_id}


@pytest.fixture(scope="module")
def changed_order(first_build, tmp_path_factory) -> Scenario:
    return run_scenario(first_build, tmp_path_factory.mktemp("changed_order"), order_status_change)


def test_an_old_orders_status_change_gives_the_rows_of_a_full_refresh(changed_order):
    incremental, full, facts = changed_order.incremental, changed_order.full, changed_order.facts
    for run in (incremental, full):
        assert run.query(f"select order_status from marts.fct_orders where order_id = '{facts['order_id']}'") == [("returned",)]
    assert differences(incremental, full) == {}


# --- One later export with every kind of change at once (issue 22) ---------------------------------
# The incremental marts (attribution, cohorts and activity, monthly engagement, ...) each find
# what a day touched; a day that brings every kind of change at once must still give a full
# refresh's rows in every table.

def erasure_request(raw: Path, con) -> dict:
    """An erasure request for a person with confirmed orders and meaningful engagement events in
    the first build (the request is the person's: every customer id of theirs is erased)."""
    customer_id = con.execute("""
        select customers.customer_id
        from staging.stg_shop__customers as customers
        inner join intermediate.int_customers_resolved_to_persons as persons
            on customers.customer_id = persons.customer_id
        where
            persons.person_key in (select person_key from intermediate.int_persons_first_orders)
            and customers.customer_id in (
                select events.customer_id from staging.stg_shop__events as events
                inner join reference.event_types as types on events.event_type = types.event_type
                where types.is_meaningful_engagement
            )
        order by persons.customer_ids_of_person desc, customers.customer_id
        limit 1
    """).fetchone()[0]
    person_key = con.execute(
        f"select person_key from intermediate.int_customers_resolved_to_persons where customer_id = '{customer_id}'"
    ).fetchone()[0]
    rewrite_raw(raw, "privacy_requests", f"""
        select * from old
        union all
        (
            select * replace ('R_ISSUE22' as request_id, '{customer_id}' as customer_id, 'erasure' as request_type)
            from old
            limit 1
        )
    """)
    return {"customer_id": customer_id, "person_key": person_key}


def every_change_at_once(first: FirstBuild):
    def change(raw: Path, con) -> dict:
        facts = late_events(first)(raw, con)
        facts["redelivered"] = old_event_redeliveries(raw, con)
        facts["order_id"] = order_status_change(raw, con)["order_id"]
        facts["erased"] = erasure_request(raw, con)
        return facts
    return change


@pytest.fixture(scope="module")
def every_change(first_build, tmp_path_factory) -> Scenario:
    return run_scenario(first_build, tmp_path_factory.mktemp("every_change"), every_change_at_once(first_build))


def test_a_day_of_late_and_redelivered_events_an_old_orders_change_and_an_erasure_gives_a_full_refresh(
        every_change):
    incremental, full, facts = every_change.incremental, every_change.full, every_change.facts
    assert facts["late"] > 50
    erased = facts["erased"]
    for run in (incremental, full):
        # each change reached the warehouse
        assert run.query(f"select count(*) from staging.base_shop__events where {LATE_EVENTS}")[0][0] == facts["late"]
        assert run.query(f"select order_status from marts.fct_orders where order_id = '{facts['order_id']}'") == [("returned",)]
        assert run.query(f"""
            select count(*) from intermediate.int_events_sessionized where event_id = '{facts["redelivered"]["broken"]}'
        """)[0][0] == 0
        assert run.query(f"""
            select count(*) from staging.stg_shop__customers where customer_id = '{erased["customer_id"]}'
        """)[0][0] == 0
        # the erased person's key is gone from the person-keyed tables (their ids are tokens now)
        for table in ("intermediate.int_persons_first_orders", "intermediate.int_persons_activity_by_period"):
            assert run.query(f"select count(*) from {table} where person_key = '{erased['person_key']}'")[0][0] == 0
    assert differences(incremental, full) == {}
