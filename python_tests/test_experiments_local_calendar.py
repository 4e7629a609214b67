"""Experiments in a far time zone (issue 21 robustness): a unit's window is complete when the local
day its end falls on, in the unit's market, is on or before the data end (int_data_end, a local
day), and its engagement months are local months, as every other date of the warehouse
(DECISIONS.md, the local calendar). Brazil is moved to UTC+14 (Pacific/Kiritimati) with var
business_timezones (and the default zone with it), so that local days and months differ from UTC
ones near midnight; the project's unit tests must still pass under those vars. Reuses the
hand-made shop of test_experiments."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import MODELS_AND_SEEDS, PROJECT_DIR, run_dbt
from .test_experiments import DATA_END, _ts, _write, write_shop

ZONE = ZoneInfo("Pacific/Kiritimati")  # UTC+14 all year
VARS = "{business_timezones: {BR: Pacific/Kiritimati, MX: Pacific/Pago_Pago}, business_timezone_default: Pacific/Kiritimati}"
DAY = timedelta(days=1)
# (customer, assigned UTC): c03's 30-day window ends 2026-07-01 11:00 UTC, 2026-07-02 01:00 local,
# after the data end (the latest order, 2026-06-30 12:00 UTC, is 2026-07-01 02:00 local): not
# eligible, although its UTC end day is the data end's local day. c04's ends 2026-06-30 09:00 UTC,
# 23:00 local on the 30th: eligible.
WINDOW_UNITS = [("c03", datetime(2026, 6, 1, 11)), ("c04", datetime(2026, 5, 31, 9))]
# c06 is assigned on 2026-01-31 14:00 UTC, 2026-02-01 04:00 local: its assignment month is
# February, the month after March, the month before January.
MONTH_UNIT = ("c06", datetime(2026, 1, 31, 14))
# c06's page views: one session in (local) January, one in February, three in March
MONTH_EVENTS = [datetime(2026, 1, 10, 12), datetime(2026, 2, 10, 12),
                datetime(2026, 3, 5, 12), datetime(2026, 3, 12, 12), datetime(2026, 3, 20, 12)]


def local(value: datetime) -> datetime:
    return value.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZONE)


@pytest.fixture(scope="module")
def far_zone_built(tmp_path_factory):
    work = tmp_path_factory.mktemp("experiments_far_zone")
    raw = work / "raw"
    rows = write_shop(raw)
    rows += [["exp_recommendations", "treatment", customer, None, _ts(at)]
             for customer, at in [*WINDOW_UNITS, MONTH_UNIT]]
    _write(raw, "experiment_assignments", ["experiment_id", "variant", "customer_id", "anonymous_id",
                                           "assigned_ts"], rows)
    _write(raw, "events", ["event_id", "event_ts", "customer_id", "anonymous_id", "event_type", "platform"],
           [["e1", _ts(DATA_END - 200 * DAY), "c12", "a1", "page_view", "web"]]
           + [[f"m{i}", _ts(at), MONTH_UNIT[0], None, "page_view", "web"] for i, at in enumerate(MONTH_EVENTS)])
    run = run_dbt([*MODELS_AND_SEEDS, "--vars", VARS], raw, work)
    assert run.returncode == 0, run.output[-4000:]
    return run, raw, work


def test_a_window_is_complete_by_its_local_end_day(far_zone_built):
    run, _, _ = far_zone_built
    data_end = local(DATA_END).date()
    assert run.query("select data_end_date from intermediate.int_data_end") == [(data_end,)]
    found = dict(run.query("select unit_id, is_eligible from intermediate.int_experiment_units_measured "
                           "where experiment_id = 'exp_recommendations' and metric_name = 'retained_30d' "
                           "and unit_id in ('c03', 'c04')"))
    expected = {customer: local(at + 30 * DAY).date() <= data_end for customer, at in WINDOW_UNITS}
    # the case discriminates: c03's UTC end day is the data end, its local end day is not
    assert expected == {"c03": False, "c04": True}
    assert (WINDOW_UNITS[0][1] + 30 * DAY).date() == data_end
    assert found == expected


def test_engagement_months_around_assignment_are_local_months(far_zone_built):
    run, _, _ = far_zone_built
    scores = dict(run.query(
        "select months.month_start, months.engagement_score from intermediate.int_persons_engagement_by_month as months "
        "inner join intermediate.int_customers_resolved_to_persons as persons using (person_key) "
        "where persons.customer_id = 'c06'"))
    assigned_month = local(MONTH_UNIT[1]).date().replace(day=1)
    assert assigned_month.month == 2 and MONTH_UNIT[1].month == 1
    after, before = assigned_month.replace(month=3), assigned_month.replace(month=1)
    # the UTC months (February after, December before) would give other values
    assert scores.get(after, 0) != scores.get(assigned_month, 0) and scores.get(before, 0) != 0
    found = run.query("select metric_value, pre_assignment_value from intermediate.int_experiment_units_measured "
                      "where experiment_id = 'exp_recommendations' and unit_id = 'c06' "
                      "and metric_name = 'engagement_score'")
    assert found == [(pytest.approx(scores[after]), pytest.approx(scores[before]))]


def test_the_unit_tests_hold_whatever_time_zones_the_build_sets(far_zone_built):
    """A user who moves a market's zone (or the default one) must not see the project's own unit
    tests fail: each one that dates rows pins the zone vars its expectations assume."""
    _, raw, work = far_zone_built
    run = run_dbt(["test", "--select", "test_type:unit", "--vars", VARS], raw, work)
    assert run.returncode == 0, run.output[-4000:]
    assert "order_date_is_the_local_day_of_the_customers_market" in run.output


def test_assignments_outside_the_seeds_dates_warn_per_experiment(far_zone_built):
    """The hand-made shop assigns most units outside their experiment's seed dates (and the crafted
    units of exp_recommendations in May and June, after its end): the singular test warns, one
    row per experiment, and the build still passes."""
    _, raw, work = far_zone_built
    name = "experiment_assignments_fall_within_their_experiment_dates"
    run = run_dbt(["test", "--select", name, "--vars", VARS], raw, work)
    assert run.returncode == 0, run.output[-4000:]
    with open(PROJECT_DIR / "seeds" / "experiments.csv", newline="") as seed:
        dates = {row["experiment_id"]: (date.fromisoformat(row["start_date"]), date.fromisoformat(row["end_date"]))
                 for row in csv.DictReader(seed)}
    assigned = run.query("select experiment_id, assigned_ts from staging.stg_shop__experiment_assignments")
    expected: dict[str, int] = {}
    for experiment, at in assigned:
        start, end = dates[experiment]
        if at.date() < start - DAY or at.date() > end + DAY:
            expected[experiment] = expected.get(experiment, 0) + 1
    assert expected["exp_recommendations"] == 2 and len(expected) == 3  # the case covers each experiment
    assert f"WARN {len(expected)}" in run.output
    found = dict(run.query(f"select experiment_id, assignments_outside_dates from audit.{name}"))
    assert found == expected
