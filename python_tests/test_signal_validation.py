"""Engagement signal validation and weight suggestions (issue 21): the lift interval and the AUC of
int_engagement_signals_validated against numpy / scipy on a hand-made case and on generated data,
the flags on a crafted case, the weight suggestions against an independent fit, and, on generated
data, that the validation recovers the generator's per-market churn design
(engagement_warehouse/generator/markets.py, CHURN_DRIVERS_BY_MARKET). The urban / rural flag is
tested by the dbt unit test area_type_follows_the_state_capital_rule (models/staging/shop)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from engagement_warehouse.generator import generate

from .conftest import MODELS_AND_SEEDS, run_dbt

SIGNALS = ["sessions", "active_days", "product_views", "wishlist_adds", "cart_adds", "whatsapp_messages",
           "social_shares", "reviews", "referrals", "email_opens", "email_clicks", "loyalty_redemptions"]
VISIT_SIGNALS = {"sessions", "active_days", "product_views"}
Z = 1.959963984540054  # macro interval_z: 95%
VALIDATED = "int_engagement_signals_validated"
SELECTION = ["--select", "+engagement_signal_validation", "+engagement_weight_suggestions"]


@pytest.fixture(scope="module", params=[42, 7])
def warehouse(request, tmp_path_factory) -> tuple[Path, Path]:
    """The validation built on generated data at scale 0.02 (seeds 42 and 7: the margins below
    were measured on both); (database, target path)."""
    work = tmp_path_factory.mktemp(f"signal_validation_{request.param}")
    generate(work / "raw", scale=0.02, seed=request.param)
    run = run_dbt([*MODELS_AND_SEEDS, *SELECTION], work / "raw", work / "build")
    assert run.returncode == 0, run.output[-3000:]
    return run.database, work / "build" / "target"


def query(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).df()


# --- the arithmetic and the flags, on crafted person-quarters -----------------------------------

def crafted_rows(rows: list[dict]) -> pd.DataFrame:
    """Person-quarters in the columns of int_persons_signals_by_quarter (unset signals 0)."""
    frame = pd.DataFrame(rows)
    for signal in SIGNALS:
        if signal not in frame:
            frame[signal] = 0
    frame["engagement_score"] = frame["engagement_score"] if "engagement_score" in frame else 0.0
    columns = ["person_key", "quarter_start", "country_code", "area_type", *SIGNALS, "engagement_score",
               "is_retained_next_quarter"]
    return frame[columns]


def validate(target: Path, person_quarters: pd.DataFrame) -> pd.DataFrame:
    """The compiled SQL of int_engagement_signals_validated run on crafted person-quarters."""
    sql = (target / "compiled/latam_engagement/models/intermediate/engagement" / f"{VALIDATED}.sql").read_text()
    with duckdb.connect() as con:
        con.execute("attach ':memory:' as warehouse")
        con.execute("create schema warehouse.intermediate")
        con.register("crafted", person_quarters)
        con.execute("""create table warehouse.intermediate.int_persons_signals_by_quarter as
                       select * replace (cast(quarter_start as date) as quarter_start) from crafted""")
        return con.execute(sql).df()


def test_lift_interval_and_auc_on_a_hand_made_case(warehouse):
    _, target = warehouse
    # eight persons' sessions and next-quarter retention
    sessions = [0, 0, 1, 2, 2, 3, 0, 5]
    retained = [False, True, False, True, True, True, False, True]
    rows = [{"person_key": f"p{i}", "quarter_start": date(2025, 1, 1), "country_code": "BR", "area_type": "urban",
             "sessions": s, "is_retained_next_quarter": r} for i, (s, r) in enumerate(zip(sessions, retained))]
    out = validate(target, crafted_rows(rows))
    row = out[(out.signal_name == "sessions") & (out.area_type == "urban") & (out.period_type == "quarter")].iloc[0]
    # with sessions: p2 p3 p4 p5 p7, 4 of 5 retained; without: p0 p1 p6, 1 of 3
    assert (row.persons_with_signal, row.retained_with_signal) == (5, 4)
    assert (row.persons_without_signal, row.retained_without_signal) == (3, 1)
    p1, p0 = 4 / 5, 1 / 3
    # Welch's standard error, one row per person: sample variances n p (1 - p) / (n - 1) over n,
    # 5 x 0.16 / 4 / 5 = 0.04 and 3 x 2/9 / 2 / 3 = 1/9: sqrt(0.151111) = 0.388730
    se = np.sqrt(p1 * (1 - p1) / 4 + p0 * (1 - p0) / 2)
    assert row.retention_lift == pytest.approx(p1 - p0)
    assert se == pytest.approx(0.388730, abs=1e-6)
    y = np.array(retained, float)
    with_signal = np.array(sessions) > 0
    assert se == pytest.approx(np.sqrt(y[with_signal].var(ddof=1) / 5 + y[~with_signal].var(ddof=1) / 3))
    assert row.retention_lift_lower == pytest.approx(p1 - p0 - Z * se)
    assert row.retention_lift_upper == pytest.approx(p1 - p0 + Z * se)
    # retained counts 0 2 2 3 5 against lost 0 1 0: the 0 ties two lost 0s (2 x 0.5) and loses to
    # 1; 2, 2, 3 and 5 beat all three: (1 + 4 x 3) / (5 x 3) = 13 / 15
    assert row.retention_auc == pytest.approx(13 / 15)
    u = stats.mannwhitneyu([s for s, r in zip(sessions, retained) if r],
                           [s for s, r in zip(sessions, retained) if not r]).statistic
    assert row.retention_auc == pytest.approx(u / 15)
    # 5 and 3 persons are fewer than signal_validation_min_group_persons (30): numbers, no flags
    assert row.validation_status == "too_few_persons" and pd.isna(row.is_lift_indistinguishable)


def quarter_of(quarter: date, with_signal: int, retained_with: int, without: int, retained_without: int,
               start: int) -> list[dict]:
    rows = []
    for i in range(with_signal + without):
        has = i < with_signal
        kept = i < retained_with if has else i - with_signal < retained_without
        rows.append({"person_key": f"q{start + i}", "quarter_start": quarter, "country_code": "MX",
                     "area_type": "rural", "referrals": 2 if has else 0, "is_retained_next_quarter": kept})
    return rows


def test_the_flags_on_a_crafted_market(warehouse):
    _, target = warehouse
    quarters = [
        (date(2024, 1, 1), 50, 45, 50, 10),   # distinguishably positive
        (date(2024, 4, 1), 50, 45, 50, 10),   # positive
        (date(2024, 7, 1), 50, 10, 50, 45),   # negative after two positives: sign changed
        (date(2024, 10, 1), 50, 25, 50, 25),  # lift 0: indistinguishable
        (date(2025, 1, 1), 50, 45, 50, 10),   # positive again, as two of three earlier: no change
        (date(2025, 4, 1), 5, 5, 95, 10),     # 5 persons with the signal: too few, no flags
    ]
    rows = [row for index, quarter in enumerate(quarters) for row in quarter_of(*quarter, start=1000 * index)]
    out = validate(target, crafted_rows(rows))
    for area in ("rural", "all"):
        got = out[(out.signal_name == "referrals") & (out.area_type == area) & (out.period_type == "quarter")]
        got = got.sort_values("quarter_start").reset_index(drop=True)
        assert list(got.validation_status) == ["ok"] * 5 + ["too_few_persons"]
        assert list(got.is_lift_indistinguishable[:5]) == [False, False, False, True, False]
        assert list(got.has_lift_sign_changed[:5]) == [False, False, True, False, False]
        assert pd.isna(got.is_lift_indistinguishable[5]) and pd.isna(got.has_lift_sign_changed[5])
        # the interval of the lift-0 quarter is symmetric around 0: z x sqrt(2 x (50 x 0.25 / 49) / 50)
        assert got.retention_lift_upper[3] == pytest.approx(Z * np.sqrt(0.5 / 49))
    # the pooled row: 50 x 5 + 5 = 255 with, 45 + 45 + 10 + 25 + 45 + 5 = 175 retained; 50 x 5 + 95 = 345
    # without, 10 + 10 + 45 + 25 + 10 + 10 = 110 retained
    pooled = out[(out.signal_name == "referrals") & (out.area_type == "all") & (out.period_type == "all")].iloc[0]
    assert (pooled.persons_with_signal, pooled.retained_with_signal) == (255, 175)
    assert (pooled.persons_without_signal, pooled.retained_without_signal) == (345, 110)


def clustered_standard_error(persons: dict[str, list[tuple[bool, bool]]]) -> float:
    """The pooled lift's standard error with persons as clusters (doc block
    signal_lift_standard_error), by loops over persons: each person's (has signal, retained) rows."""
    rows = [(person, has, kept) for person, quarters in persons.items() for has, kept in quarters]
    n = {side: sum(1 for _, has, _ in rows if has == side) for side in (True, False)}
    p = {side: sum(kept for _, has, kept in rows if has == side) / n[side] for side in (True, False)}
    residual = {side: {person: sum(kept - p[side] for has, kept in quarters if has == side)
                       for person, quarters in persons.items() if any(has == side for has, _ in quarters)}
                for side in (True, False)}
    factor = {side: len(residual[side]) / (len(residual[side]) - 1) for side in (True, False)}
    variance = {side: factor[side] * sum(e * e for e in residual[side].values()) / n[side] ** 2 for side in (True, False)}
    both = set(residual[True]) & set(residual[False])
    covariance = (np.sqrt(factor[True] * factor[False])
                  * sum(residual[True][person] * residual[False][person] for person in both) / (n[True] * n[False]))
    return float(np.sqrt(variance[True] + variance[False] - 2 * covariance))


def test_the_pooled_interval_counts_each_person_once_as_a_cluster(warehouse):
    _, target = warehouse
    # six persons over three quarters: (has WhatsApp messages, retained next quarter) per quarter
    persons = {
        "p0": [(True, True), (True, True), (True, True)],
        "p1": [(True, True), (False, False), (True, True)],
        "p2": [(False, False), (False, False), (False, True)],
        "p3": [(True, False), (True, True), (False, False)],
        "p4": [(False, True), (False, False), (False, False)],
        "p5": [(True, True), (True, True), (False, True)],
    }
    quarters = [date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)]
    rows = [{"person_key": person, "quarter_start": quarters[q], "country_code": "BR", "area_type": "urban",
             "whatsapp_messages": 3 if has else 0, "is_retained_next_quarter": kept}
            for person, history in persons.items() for q, (has, kept) in enumerate(history)]
    out = validate(target, crafted_rows(rows))
    row = out[(out.signal_name == "whatsapp_messages") & (out.area_type == "all")
              & (out.period_type == "all")].iloc[0]
    # 9 rows with the signal, 8 retained; 9 without, 3 retained
    assert (row.persons_with_signal, row.retained_with_signal) == (9, 8)
    assert (row.persons_without_signal, row.retained_without_signal) == (9, 3)
    se = clustered_standard_error(persons)
    assert row.retention_lift_upper - row.retention_lift == pytest.approx(Z * se, rel=1e-12)
    # not the standard error that treats the 18 rows as independent (Welch's over rows)
    y1, y0 = np.array([1.0] * 8 + [0.0]), np.array([1.0] * 3 + [0.0] * 6)
    assert abs(se - np.sqrt(y1.var(ddof=1) / 9 + y0.var(ddof=1) / 9)) > 0.01
    # with one quarter per person the same formula is Welch's: the quarter rows
    first = out[(out.signal_name == "whatsapp_messages") & (out.area_type == "urban") & (out.period_type == "quarter")
                & (out.quarter_start == pd.Timestamp(quarters[0]))].iloc[0]
    one_quarter = {person: [history[0]] for person, history in persons.items()}
    assert first.retention_lift_upper - first.retention_lift == pytest.approx(Z * clustered_standard_error(one_quarter))


# --- generated data -----------------------------------------------------------------------------

def test_every_quarterly_row_matches_an_independent_computation(warehouse):
    database, _ = warehouse
    persons = query(database, "select * from intermediate.int_persons_signals_by_quarter "
                              "where country_code in ('BR', 'MX', 'AR')")
    mart = query(database, "select * from marts.engagement_signal_validation where country_code in ('BR', 'MX', 'AR')")
    expected = []
    for area_type, frame in [("all", persons), *persons.groupby("area_type")]:
        for (country, quarter), group in frame.groupby(["country_code", "quarter_start"]):
            y = group.is_retained_next_quarter.to_numpy()
            for signal in [*SIGNALS, "engagement_score"]:
                x = group[signal].to_numpy(dtype=float)
                n1, n0 = int((x > 0).sum()), int((x <= 0).sum())
                p1 = y[x > 0].mean() if n1 else np.nan
                p0 = y[x <= 0].mean() if n0 else np.nan
                auc = (stats.mannwhitneyu(x[y], x[~y]).statistic / (y.sum() * (~y).sum())
                       if 0 < y.sum() < y.size else np.nan)
                expected.append({"signal_name": signal, "country_code": country, "area_type": area_type,
                                 "quarter_start": quarter, "n1": n1, "n0": n0, "lift": p1 - p0,
                                 "se": (np.sqrt(y[x > 0].var(ddof=1) / n1 + y[x <= 0].var(ddof=1) / n0)
                                        if n1 > 1 and n0 > 1 else np.nan),
                                 "auc": auc})
    expected = pd.DataFrame(expected)
    joined = mart.merge(expected, on=["signal_name", "country_code", "area_type", "quarter_start"], how="outer",
                        indicator=True)
    assert (joined._merge == "both").all() and len(joined) > 500
    assert (joined.persons_with_signal == joined.n1).all() and (joined.persons_without_signal == joined.n0).all()
    np.testing.assert_allclose(joined.retention_lift, joined.lift, atol=1e-12)
    np.testing.assert_allclose(joined.retention_lift_upper - joined.retention_lift, Z * joined.se, atol=1e-12)
    np.testing.assert_allclose(joined.retention_auc, joined.auc, atol=1e-12)


def pooled(database: Path) -> pd.DataFrame:
    """The validation over every quarter, all areas, per country and weighted signal."""
    return query(database, f"""select country_code, signal_name, retention_lift, retention_auc, validation_status
                               from intermediate.{VALIDATED}
                               where period_type = 'all' and area_type = 'all' and signal_name != 'engagement_score'""")


def test_brazil_whatsapp_and_social_shares_lift_retention_most(warehouse):
    # measured (lift of the top two; the best other): seed 42 0.865, 0.847; 0.730. seed 7 0.846,
    # 0.839; 0.696
    table = pooled(warehouse[0])
    brazil = table[table.country_code == "BR"].sort_values("retention_lift", ascending=False)
    assert set(brazil.signal_name[:2]) == {"whatsapp_messages", "social_shares"}
    assert brazil.retention_lift.iloc[1] - brazil.retention_lift.iloc[2] > 0.05
    assert (brazil.validation_status == "ok").all()
    # and WhatsApp's count ranks retention second only to visits at most (AUC, measured: 2nd twice)
    assert "whatsapp_messages" in set(brazil.sort_values("retention_auc", ascending=False).signal_name[:2])


def test_mexico_referrals_lift_and_rank_retention(warehouse):
    # measured: referrals' lift 0.862 against 0.708 next (seed 42), 0.859 against 0.729 (seed 7);
    # referrals' AUC in Mexico 0.967 / 0.969, in any other large market at most 0.707 / 0.706
    table = pooled(warehouse[0])
    mexico = table[table.country_code == "MX"].sort_values("retention_lift", ascending=False)
    assert mexico.signal_name.iloc[0] == "referrals"
    assert mexico.retention_lift.iloc[0] - mexico.retention_lift.iloc[1] > 0.05
    referrals = table[table.signal_name == "referrals"].set_index("country_code").retention_auc
    others = referrals[["BR", "CO", "AR", "CL", "PE"]]
    assert referrals["MX"] - others.max() > 0.15


def test_elsewhere_visits_rank_retention_and_no_signature_signal_stands_out(warehouse):
    # measured: the top lift leads the second by 0.001 to 0.018 in CO, AR, CL and PE (both seeds);
    # the top AUC is sessions or active days in each
    table = pooled(warehouse[0])
    for country in ("CO", "AR", "CL", "PE"):
        rows = table[table.country_code == country]
        lifts = rows.retention_lift.sort_values(ascending=False).to_numpy()
        assert lifts[0] - lifts[1] < 0.04, country
        assert rows.sort_values("retention_auc", ascending=False).signal_name.iloc[0] in VISIT_SIGNALS, country


def test_weight_suggestions_match_an_independent_fit_and_keep_the_mean_score(warehouse):
    database, _ = warehouse
    persons = query(database, "select * from intermediate.int_persons_signals_by_quarter")
    mart = query(database, "select * from marts.engagement_weight_suggestions")
    weights = query(database, "select * from reference.engagement_score_weights").set_index("country_code")
    for country in ("BR", "MX"):
        rows = persons[persons.country_code == country]
        x, y = rows[SIGNALS].to_numpy(dtype=float), rows.is_retained_next_quarter.to_numpy().astype(int)
        scaler = StandardScaler().fit(x)
        fitted = LogisticRegression(C=0.1, max_iter=2000).fit(scaler.transform(x), y)
        per_count = fitted.coef_[0] / scaler.scale_
        got = mart[mart.country_code == country].set_index("signal_name").loc[SIGNALS]
        assert (got.model_scope == country).all() and (got.model_status == "ok").all()
        np.testing.assert_allclose(got.fitted_coefficient, per_count, rtol=1e-4, atol=1e-6)
        configured = weights.loc[country, SIGNALS].to_numpy(dtype=float)
        np.testing.assert_allclose(got.configured_weight, configured)
        # the scaling: the suggested score has the configured score's mean over the country
        means = x.mean(axis=0)
        assert got.suggested_weight.to_numpy() @ means == pytest.approx(configured @ means, rel=1e-9)
    # a market too small for a fit of its own takes the pooled one
    counts = persons.country_code.value_counts()
    small = mart[mart.model_scope == "pooled"]
    assert len(small) >= len(SIGNALS) and (counts[small.country_code.unique()] < 200).all()
    assert (mart[mart.model_scope != "pooled"].country_code.map(counts) >= 200).all()
    # earns_weight: a distinguishable lift with the configured weight's (positive) sign; e-mail
    # opens in Brazil do not (measured lift -0.016, interval covering 0, seed 42)
    earning = mart.earns_weight.fillna(False).astype(bool)
    # not vacuous: some signals earn their weight (an all() over no row would pass)
    assert earning.any() and mart.loc[earning, "retention_lift_lower"].gt(0).all()
