"""Retention projection: a shifted-beta-geometric (sBG) model fitted per segment and cohort grain to the
unbounded retention of cohort_retention (share of the cohort with a confirmed order in period n or later), and
its survival, retention rate and discounted expected residual lifetime projected beside the observed survival.
Definitions and caveats: doc block retention_projection (models/docs.md); the fit and the insufficient-data rule:
sbg.py. The dbt Python model int_cohort_retention_projected (DuckDB; the mart retention_projection selects it)
and the Spark fitting job (spark/fits.py) both call projection(), so the two engines fit with the same code."""

import math

import duckdb
import numpy as np
import pyarrow as pa

from . import sbg

# Length of a period of each cohort grain in years, to turn the yearly discount rate into one per period.
PERIOD_YEARS = {"month": 1 / 12, "week": 7 / 365.25}

SCHEMA = pa.schema([
    ("segment_type", pa.string()),
    ("segment_value", pa.string()),
    ("cohort_grain", pa.string()),
    ("period_number", pa.int32()),
    ("observed_cohorts", pa.int64()),
    ("observed_customers", pa.int64()),
    ("observed_survival", pa.float64()),
    ("projected_survival", pa.float64()),
    ("projected_retention_rate", pa.float64()),
    ("discounted_expected_residual_lifetime_periods", pa.float64()),
    ("alpha", pa.float64()),
    ("beta", pa.float64()),
    ("log_likelihood", pa.float64()),
    ("fit_cohorts", pa.int64()),
    ("fit_customers", pa.int64()),
    ("fit_periods", pa.int32()),
    ("fit_status", pa.string()),
    ("fit_reason", pa.string()),
])


def segment_cohorts(cohort_retention: duckdb.DuckDBPyRelation) -> list[dict]:
    """One row per segment and grain with its cohorts' unbounded active customers by period, complete periods
    only, cohorts in start order: [[n(0), n(1), ...], ...]."""
    cohorts = cohort_retention.filter("not is_partial_period").aggregate(
        "segment_type, segment_value, cohort_grain, cohort_start, "
        "list(unbounded_active_customers order by period_number) as alive, "
        "count(*) as periods, min(period_number) as first_period, max(period_number) as last_period",
        "segment_type, segment_value, cohort_grain, cohort_start",
    )
    gaps = cohorts.filter("first_period <> 0 or last_period <> periods - 1").aggregate("count(*)").fetchall()[0][0]
    if gaps:
        raise ValueError(f"{gaps} cohorts of cohort_retention do not have every period from 0 to their last")
    return (
        cohorts.aggregate(
            "segment_type, segment_value, cohort_grain, list(alive order by cohort_start) as cohorts",
            "segment_type, segment_value, cohort_grain",
        )
        .order("segment_type, segment_value, cohort_grain")
        .to_arrow_table()
        .to_pylist()
    )


def pad(values: list, length: int, fill: object = None) -> list:
    values = list(values)
    return values[:length] + [fill] * (length - len(values))


def project_segment(segment: dict, settings: dict) -> dict[str, list]:
    """The output columns of one segment and grain, periods 0..max(settled observation, projection periods)."""
    grain = segment["cohort_grain"]
    settle = settings["settle_periods"][grain]
    # the last settle periods of each cohort are left out: a customer still buying may not have bought yet
    settled = [alive[: len(alive) - settle] for alive in segment["cohorts"] if len(alive) > settle]
    counts = sbg.summarise_cohorts(settled)
    result = sbg.fit(counts, min_customers=settings["min_customers"],
                     bound_tolerance=settings["fit_bound_relative_tolerance"])
    periods = np.arange(max(counts.periods, settings["projection_periods"]) + 1)
    size = len(periods)
    columns = {
        "segment_type": [segment["segment_type"]] * size,
        "segment_value": [segment["segment_value"]] * size,
        "cohort_grain": [grain] * size,
        "period_number": periods.tolist(),
        "observed_cohorts": pad(counts.cohorts_observed.tolist(), size, 0),
        "observed_customers": pad(np.rint(counts.customers_observed).astype(np.int64).tolist(), size, 0),
        "observed_survival": pad(sbg.observed_survival(counts).tolist(), size),
        "alpha": [result.alpha] * size,
        "beta": [result.beta] * size,
        "log_likelihood": [result.log_likelihood] * size,
        "fit_cohorts": [result.cohorts] * size,
        "fit_customers": [int(round(result.customers))] * size,
        "fit_periods": [max(result.periods, 0)] * size,
        "fit_status": [result.status] * size,
        "fit_reason": [result.reason] * size,
    }
    if result.has_estimates:
        discount_rate = (1 + settings["annual_discount_rate"]) ** PERIOD_YEARS[grain] - 1
        columns["projected_survival"] = sbg.survival(result.alpha, result.beta, periods).tolist()
        columns["projected_retention_rate"] = [None] + sbg.retention_rate(
            result.alpha, result.beta, periods[1:]).tolist()
        columns["discounted_expected_residual_lifetime_periods"] = sbg.discounted_expected_residual_lifetime(
            result.alpha, result.beta, periods, discount_rate).tolist()
    else:
        for name in ("projected_survival", "projected_retention_rate",
                     "discounted_expected_residual_lifetime_periods"):
            columns[name] = [None] * size
    return columns


def settings_from_meta(meta: dict) -> dict:
    """The projection settings from the model's meta (models/intermediate/fits/_fits__models.yml), checked."""
    settings = {
        "projection_periods": int(meta["projection_periods"]),
        "settle_periods": {grain: int(n) for grain, n in meta["settle_periods"].items()},
        "min_customers": int(meta["min_customers"]),
        "annual_discount_rate": float(meta["annual_discount_rate"]),
        "fit_bound_relative_tolerance": float(meta["fit_bound_relative_tolerance"]),
    }
    if not math.isfinite(settings["annual_discount_rate"]) or settings["annual_discount_rate"] <= 0:
        raise ValueError("var annual_discount_rate must be a positive number")
    return settings


def projection(cohort_retention: duckdb.DuckDBPyRelation, settings: dict) -> pa.Table:
    """The rows of retention_projection from the rows of cohort_retention, i.e. of int_cohort_retention_measured (a
    DuckDB relation: the table itself on DuckDB, an Arrow copy of it on Spark)."""
    segments = segment_cohorts(cohort_retention)
    unknown_grains = {s["cohort_grain"] for s in segments} - (settings["settle_periods"].keys() & PERIOD_YEARS.keys())
    if unknown_grains:
        raise ValueError(f"cohort grains {sorted(unknown_grains)} need var retention_projection_settle_periods "
                         "and a period length in PERIOD_YEARS")
    columns = {field.name: [] for field in SCHEMA}
    for segment in segments:
        for name, values in project_segment(segment, settings).items():
            columns[name].extend(values)
    return pa.table(columns, schema=SCHEMA)
