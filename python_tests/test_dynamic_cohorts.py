"""Dynamic cohorts (issue 21): the membership spells against an independent day-by-day evaluation,
an invalid cohort definition stops the build naming its row, and empty events and feedback give
empty spells.

The hand-computed window edges (entering on the day a threshold is crossed, a ratio of exactly
the threshold, leaving when an input leaves a window, an order on the answer's own day) are the
dbt unit tests beside the models (models/marts/retention/_retention__models.yml); the local day
of a signal is unit test cohort_signals_count_on_the_local_day; incremental runs equal a full
refresh in test_incremental (every table, cohort_membership_spells among them)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pytest

from engagement_warehouse.generator import generate

from .conftest import DBT, MODELS_AND_SEEDS, PROJECT_DIR, dbt_env, read, run_dbt


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("cohorts")
    generate(work / "raw", scale=0.01, seed=42)
    run = run_dbt(MODELS_AND_SEEDS, work / "raw", work / "build")
    assert run.returncode == 0, run.output[-3000:]
    return work, run


def expected_member_days(con) -> set[tuple[str, str, date]]:
    """Every (cohort, person, day) on which the person meets the cohort's rule, evaluated on every
    day from each person's first input to the data end with numpy, from the rule's definition
    (doc block cohort_rules), not from the model's change days."""
    data_end = con.execute("select data_end_date from intermediate.int_data_end").fetchone()[0]
    definitions = con.execute(
        "select cohort_name, rule_kind, signal, window_days, prior_days, threshold from reference.cohort_definitions"
    ).fetchall()
    inputs = con.execute(
        "select person_key, activity_date, signal_name, signal_count from intermediate.int_persons_signals_by_day"
    ).fetchall()
    ranks = con.execute(
        "select person_key, month_start, net_revenue_percent_rank from intermediate.int_persons_value_rank_by_month"
    ).fetchall()
    start = min(row[1] for row in inputs)
    days = (data_end - start).days + 1
    calendar = [start + timedelta(days=i) for i in range(days)]
    month_of_day = np.array([d.year * 12 + d.month for d in calendar])
    series: dict[tuple[str, str], np.ndarray] = {}
    for person, day, signal, count in inputs:
        if day <= data_end:
            series.setdefault((person, signal), np.zeros(days, dtype=np.int64))[(day - start).days] += count
    rank_of: dict[str, dict[int, float]] = {}
    for person, month, rank in ranks:
        rank_of.setdefault(person, {})[month.year * 12 + month.month] = rank

    def window_sum(counts: np.ndarray, width: int, lag: int = 0) -> np.ndarray:
        """Sum over the days (d - lag - width, d - lag] for every day d."""
        padded = np.concatenate([np.zeros(width + lag + 1, dtype=np.int64), np.cumsum(counts)])
        index = np.arange(days) + width + lag + 1
        return padded[index - lag] - padded[index - lag - width]

    members = set()
    persons = {person for person, _ in series}
    for cohort, kind, signal, window, prior, threshold in definitions:
        for person in persons:
            member = None
            if kind == "signal_drop" and (person, signal) in series:
                counts = series[(person, signal)]
                recent, before = window_sum(counts, window), window_sum(counts, prior, lag=window)
                member = (before > 0) & (recent * prior < threshold * before * window)
            elif kind == "detractor_no_order" and (person, "detractor_answers") in series:
                answers = series[(person, "detractor_answers")] > 0
                orders = series.get((person, "confirmed_orders"), np.zeros(days, dtype=np.int64)) > 0
                last_answer = np.maximum.accumulate(np.where(answers, np.arange(days), -10**9))
                last_order = np.maximum.accumulate(np.where(orders, np.arange(days), -10**9))
                member = (np.arange(days) - last_answer < window) & (last_order <= last_answer)
            elif kind == "top_value_no_order" and person in rank_of:
                orders = series.get((person, "confirmed_orders"), np.zeros(days, dtype=np.int64))
                rank = np.array([rank_of[person].get(m, 2.0) for m in month_of_day])
                member = (rank < threshold) & (window_sum(orders, window) == 0)
            elif kind == "first_signal_this_month" and (person, signal) in series:
                first = int(np.argmax(series[(person, signal)] > 0))
                member = (np.arange(days) >= first) & (month_of_day == month_of_day[first])
            if member is not None:
                members.update((cohort, person, calendar[i]) for i in np.flatnonzero(member))
    return members


def test_spells_are_the_days_a_day_by_day_evaluation_finds(warehouse):
    _, run = warehouse
    with duckdb.connect(str(run.database), read_only=True) as con:
        expected = expected_member_days(con)
        data_end = con.execute("select data_end_date from intermediate.int_data_end").fetchone()[0]
        spells = con.execute(
            "select cohort_name, person_key, entered_on, exited_on from marts.cohort_membership_spells"
        ).fetchall()
    found = set()
    for cohort, person, entered, exited in spells:
        last = (exited - timedelta(days=1)) if exited else data_end
        found.update((cohort, person, entered + timedelta(days=i)) for i in range((last - entered).days + 1))
    # every cohort has members on the demo data, so the comparison is not of two empty sets
    assert {cohort for cohort, _, _ in expected} == {
        "engagement_halved", "detractor_without_order", "top_decile_lapsed", "first_whatsapp_this_month"}
    assert len(found) == sum((((e or data_end + timedelta(days=1)) - s).days) for _, _, s, e in spells)
    assert found == expected


def project_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, copy, ignore=shutil.ignore_patterns(
        ".venv", ".git", "data", "target", "logs", "node_modules", "__pycache__", "*.egg-info"))
    return copy


def test_an_invalid_definition_fails_the_build_naming_its_row_and_value(warehouse, tmp_path):
    work, run = warehouse
    project = project_copy(tmp_path)
    with open(project / "seeds" / "cohort_definitions.csv", "a") as seed:
        seed.write("lapsed_fans,Fans who stopped,signal_drop,tweets,30,90,0.5\n")
        seed.write("odd_kind,Nonsense,vanishes,,30,,\n")
    database = tmp_path / "warehouse.duckdb"
    shutil.copy(run.database, database)
    env = {**dbt_env(work / "raw", tmp_path), "DUCKDB_PATH": str(database)}
    completed = subprocess.run(
        [DBT, "build", "--select", "cohort_definitions+", "--exclude-resource-type", "unit_test"],
        cwd=project, env=env, capture_output=True, text=True, timeout=900,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert "cohort_definitions_are_valid_rules" in output
    with duckdb.connect(str(database), read_only=True) as con:
        messages = sorted(row[0] for row in con.execute(
            "select message from audit.cohort_definitions_are_valid_rules").fetchall())
    assert messages == [
        "cohort_definitions row lapsed_fans: signal = tweets: unknown signal (one of: sessions, active_days, "
        "product_views, wishlist_adds, cart_adds, whatsapp_messages, social_shares, reviews, referrals, "
        "email_opens, email_clicks, loyalty_redemptions)",
        "cohort_definitions row odd_kind: rule_kind = vanishes: unknown rule kind (one of: signal_drop, "
        "detractor_no_order, top_value_no_order, first_signal_this_month)",
    ]
    # nothing downstream of the seed was built from the invalid definitions
    assert not [line for line in output.splitlines()
                if "OK created" in line and "cohort_membership_spells" in line]
    assert any("SKIP" in line and "cohort_membership_spells" in line for line in output.splitlines())


def test_empty_events_and_feedback_give_empty_signal_spells_and_the_build_passes(tmp_path):
    raw = tmp_path / "raw"
    generate(raw, scale=0.005, seed=3)
    with duckdb.connect() as con:
        for table in ("events", "feedback"):
            path = raw / f"{table}.parquet"
            con.execute(f"create table {table} as select * from {read(raw, table)} limit 0")
            con.execute(f"copy {table} to '{path}' (format parquet)")
    run = run_dbt(MODELS_AND_SEEDS, raw, tmp_path / "build")
    assert run.returncode == 0, run.output[-3000:]
    by_cohort = dict(run.query(
        "select cohort_name, count(*) from marts.cohort_membership_spells group by cohort_name"))
    # the rules over events and answers have no members; the value rule still reads the orders
    # (equal, not a subset: an empty spells table must fail here)
    assert set(by_cohort) == {"top_decile_lapsed"}
    assert run.query("select count(*) from intermediate.int_persons_signals_by_day "
                     "where signal_name not in ('confirmed_orders')")[0][0] == 0
    outcome_cohorts = {row[0] for row in run.query("select distinct cohort_name from marts.cohort_entry_outcomes")}
    assert outcome_cohorts == set(by_cohort)


def test_a_windowed_daily_run_equals_a_full_refresh_across_the_boundary(tmp_path):
    """var cohort_late_data_days set (120): the next export, five days later with late events of
    earlier days, recomputes only the last 120 days, and gives the spells of a full refresh,
    spells open across the first recomputed day included."""
    from engagement_warehouse.generator import append_days

    raw = tmp_path / "raw"
    generate(raw, scale=0.005, seed=42)
    windowed = [*MODELS_AND_SEEDS, "--vars", "{cohort_late_data_days: 120}"]
    first = run_dbt(windowed, raw, tmp_path / "incremental")
    assert first.returncode == 0, first.output[-3000:]
    append_days(raw, days=5)
    (tmp_path / "full").mkdir()
    shutil.copy(first.database, tmp_path / "full" / "warehouse.duckdb")
    incremental = run_dbt(windowed, raw, tmp_path / "incremental")
    assert incremental.returncode == 0, incremental.output[-3000:]
    full = run_dbt([*windowed, "--full-refresh"], raw, tmp_path / "full")
    assert full.returncode == 0, full.output[-3000:]
    with duckdb.connect() as con:
        con.execute(f"attach '{incremental.database}' as incremental (read_only)")
        con.execute(f"attach '{full.database}' as full_refresh (read_only)")
        for table, columns in (("marts.cohort_membership_spells", "* exclude (loaded_at)"),
                               ("marts.cohort_entry_outcomes", "*")):
            assert con.execute(f"""
                select count(*) from (
                    (select {columns} from incremental.{table}
                     except all select {columns} from full_refresh.{table})
                    union all
                    (select {columns} from full_refresh.{table}
                     except all select {columns} from incremental.{table}))
            """).fetchone()[0] == 0, table
        data_end = con.execute("select data_end_date from incremental.intermediate.int_data_end").fetchone()[0]
        # the second run took the windowed path: the pairs it did not touch kept the first run's
        # rows, and those are the pairs whose spells all ended before the first recomputed day
        # (120 days before the data end, or earlier: the day after the last stored change)
        first_loaded_at, kept, last_exit = con.execute("""
            select min(loaded_at), count(*) filter (where loaded_at = (select min(loaded_at) from incremental.marts.cohort_membership_spells)),
                max(exited_on) filter (where loaded_at = (select min(loaded_at) from incremental.marts.cohort_membership_spells))
            from incremental.marts.cohort_membership_spells
        """).fetchone()
        assert kept > 0
        assert last_exit < data_end - timedelta(days=119)
        recompute_from = data_end - timedelta(days=119)
        crossing = con.execute(f"""
            select count(*) from incremental.marts.cohort_membership_spells
            where entered_on < date '{recompute_from}' and (exited_on is null or exited_on > date '{recompute_from}')
                and loaded_at > timestamp '{first_loaded_at}'
        """).fetchone()[0]
    assert crossing > 0
