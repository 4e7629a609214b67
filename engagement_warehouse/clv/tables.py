"""The CLV fits and scores as Arrow tables: what the dbt Python models of
models/intermediate/fits/python (and the Spark fitting job) return. Kept here, beside the fitters, so pytest reaches them without dbt."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pyarrow as pa

from . import bgnbd, gamma_gamma
from ..fit_schedule import Fit, fingerprint, kept_or_refitted
from .fitting import CONVERGED, FitSettings

DAYS_PER_UNIT = {"day": 1.0, "week": 7.0}


def model_params(rfm: pa.Table, min_repeat_customers: int, settings: FitSettings = FitSettings()) -> pa.Table:
    """One row per model and parameter (bg_nbd: r, alpha, a, b; gamma_gamma: p, q, v) with the
    fit's log-likelihood, customers, status and reason (fitting.py: estimates are shown unless the
    data are insufficient, but only a converged fit is used), time unit and observation end."""
    rfm = _in_person_order(rfm)
    frequency = rfm.column("frequency").to_numpy().astype(float)
    purchases = bgnbd.fit(frequency, rfm.column("recency").to_numpy(), rfm.column("customer_age").to_numpy(),
                          min_repeat_customers, settings)
    spend = gamma_gamma.fit(frequency, rfm.column("monetary_value").to_numpy(), min_repeat_customers, settings)
    rows = []
    for model, fit, names, customers in (
        ("bg_nbd", purchases, bgnbd.PARAMETERS, purchases.customers),
        ("gamma_gamma", spend, gamma_gamma.PARAMETERS, spend.customers),
    ):
        for name, value in zip(names, fit.params):
            rows.append({
                "model": model, "parameter": name, "estimate": None if np.isnan(value) else float(value),
                "log_likelihood": None if np.isnan(fit.log_likelihood) else float(fit.log_likelihood),
                "customers": int(customers), "model_status": fit.status.status, "status_reason": fit.status.reason,
            })
    correlation = spend.frequency_spend_correlation
    return _with_constants(pa.Table.from_pylist(rows), {
        "time_unit": (_single(rfm, "time_unit"), pa.string()),
        "observation_end_date": (_single(rfm, "observation_end_date"), pa.date32()),
        "frequency_spend_correlation": (None if np.isnan(correlation) else correlation, pa.float64()),
    })


def _with_constants(table: pa.Table, constants: dict[str, tuple[object, pa.DataType]]) -> pa.Table:
    """The table with a column per constant: the same value, of the given type, on every row."""
    for name, (value, kind) in constants.items():
        table = table.append_column(name, pa.array([value] * table.num_rows, kind))
    return table


def _in_person_order(table: pa.Table) -> pa.Table:
    """Rows in a fixed order: a database returns them in any order, and floating-point sums (and
    so the last digits of a fit or a total) depend on it."""
    return table.sort_by("person_key")


def _single(table: pa.Table, column: str):
    values = table.column(column).unique().to_pylist()
    return values[0] if len(values) == 1 else None


def params_of(params: pa.Table, model: str) -> tuple[float, ...] | None:
    """The parameters of a model in its parameter order, or None unless its fit converged: a fit at
    a bound, unconverged or without data predicts nothing."""
    names = {"bg_nbd": bgnbd.PARAMETERS, "gamma_gamma": gamma_gamma.PARAMETERS}[model]
    estimates = {row["parameter"]: row["estimate"] for row in params.to_pylist()
                 if row["model"] == model and row["model_status"] == CONVERGED}
    values = tuple(estimates.get(name) for name in names)
    return None if any(value is None for value in values) else values


def scores(rfm: pa.Table, params: pa.Table, annual_discount_rate: float) -> pa.Table:
    """Per person: probability alive, expected purchases in the next 90 and 365 days, expected
    average purchase value and the 12-month CLV discounted month by month (doc block clv). Null
    where the model's fit did not converge (doc block fit_status)."""
    unit_days = DAYS_PER_UNIT[_single(rfm, "time_unit") or "day"]
    x = rfm.column("frequency").to_numpy().astype(float)
    t_x = rfm.column("recency").to_numpy().astype(float)
    t = rfm.column("customer_age").to_numpy().astype(float)
    m = rfm.column("monetary_value").to_numpy().astype(float)
    purchases, spend = params_of(params, "bg_nbd"), params_of(params, "gamma_gamma")
    n = x.size
    missing = np.full(n, np.nan)
    alive = bgnbd.probability_alive(purchases, x, t_x, t) if purchases else missing
    in_90 = bgnbd.expected_purchases(purchases, 90 / unit_days, x, t_x, t) if purchases else missing
    in_365 = bgnbd.expected_purchases(purchases, 365 / unit_days, x, t_x, t) if purchases else missing
    value = gamma_gamma.expected_average_value(spend, x, m) if spend else missing
    if purchases and spend:
        month_days = 365.0 / 12
        cumulative = [np.zeros(n)] + [bgnbd.expected_purchases(purchases, k * month_days / unit_days, x, t_x, t)
                                      for k in range(1, 13)]
        monthly_discount = (1 + annual_discount_rate) ** (-np.arange(1, 13) / 12)
        clv = value * sum((cumulative[k] - cumulative[k - 1]) * monthly_discount[k - 1] for k in range(1, 13))
    else:
        clv = missing

    def column(values: np.ndarray) -> pa.Array:
        return pa.array(values, pa.float64(), mask=np.isnan(values))

    return pa.table({
        "person_key": rfm.column("person_key"),
        "probability_alive": column(alive),
        "expected_purchases_90d": column(in_90),
        "expected_purchases_365d": column(in_365),
        "expected_average_value_usd": column(value),
        "predicted_clv_12m_usd": column(clv),
    })


FREQUENCY_BUCKETS = 7  # 0, 1, ..., 6 repeat purchases, then "7+"


def scheduled_backtest(calibration: pa.Table, min_repeat_customers: int, settings: FitSettings,
                       stored: pa.Table | None = None) -> pa.Table:
    """backtest() with the fit's anchor (the holdout's end, macro clv_backtest_end) and the
    fingerprint of its rows and settings on every row; the stored table (the model's previous
    rows, None on a full build) itself when it holds the same fit."""
    return _kept_or_refitted(calibration, "int_persons_clv_backtest", min_repeat_customers, settings, stored,
                             SCHEDULED_BACKTEST_SCHEMA, lambda: backtest(calibration, min_repeat_customers, settings))


def backtest(calibration: pa.Table, min_repeat_customers: int, settings: FitSettings = FitSettings()) -> pa.Table:
    """BG/NBD fitted on the calibration period, its expected repeat purchases in the holdout beside
    the actual ones: per calibration frequency (0 .. 6, 7+) and in total (doc block clv_backtest);
    predictions only from a converged fit."""
    calibration = _in_person_order(calibration)
    x = calibration.column("frequency").to_numpy().astype(float)
    t_x = calibration.column("recency").to_numpy().astype(float)
    t = calibration.column("customer_age").to_numpy().astype(float)
    actual = calibration.column("holdout_purchases").to_numpy().astype(float)
    holdout = _single(calibration, "holdout_length")  # None without persons (the mart gives the configured one)
    holdout_length = float(holdout or 0.0)
    fit = bgnbd.fit(x, t_x, t, min_repeat_customers, settings)
    predicted = (bgnbd.expected_purchases(fit.params, holdout_length, x, t_x, t) if fit.status.is_converged
                 else np.full(x.size, np.nan))
    bucket = np.minimum(x, FREQUENCY_BUCKETS).astype(int)
    rows = []
    for label, members in [(f"{k}" if k < FREQUENCY_BUCKETS else f"{FREQUENCY_BUCKETS}+", bucket == k)
                           for k in range(FREQUENCY_BUCKETS + 1)] + [("all", np.ones(x.size, bool))]:
        customers = int(members.sum())
        total_actual = float(actual[members].sum())
        total_predicted = float(predicted[members].sum()) if fit.status.is_converged else None
        rows.append({
            "frequency_bucket": label,
            "sort_order": len(rows),
            "customers": customers,
            "actual_repeat_purchases": total_actual,
            "predicted_repeat_purchases": total_predicted,
            "actual_per_customer": total_actual / customers if customers else None,
            "predicted_per_customer": total_predicted / customers if customers and total_predicted is not None
            else None,
            "predicted_to_actual_ratio": total_predicted / total_actual if total_actual and total_predicted is not None
            else None,
        })
    return _with_constants(pa.Table.from_pylist(rows), {
        "calibration_end_date": (_single(calibration, "calibration_end_date"), pa.date32()),
        "observation_end_date": (_single(calibration, "observation_end_date"), pa.date32()),
        "holdout_length": (None if holdout is None else holdout_length, pa.float64()),
        "time_unit": (_single(calibration, "time_unit"), pa.string()),
        "model_status": (fit.status.status, pa.string()),
        "status_reason": (fit.status.reason, pa.string()),
    })


# --- The refit schedule (engagement_warehouse.fit_schedule) ----------------------------------------

FIT_ANCHOR = "clv_fit_anchor_date"
FIT_FINGERPRINT = "clv_fit_fingerprint"
SCHEDULED_BACKTEST_SCHEMA = pa.schema([
    ("frequency_bucket", pa.string()), ("sort_order", pa.int64()), ("customers", pa.int64()),
    ("actual_repeat_purchases", pa.float64()), ("predicted_repeat_purchases", pa.float64()),
    ("actual_per_customer", pa.float64()), ("predicted_per_customer", pa.float64()),
    ("predicted_to_actual_ratio", pa.float64()), ("calibration_end_date", pa.date32()),
    ("observation_end_date", pa.date32()), ("holdout_length", pa.float64()), ("time_unit", pa.string()),
    ("model_status", pa.string()), ("status_reason", pa.string()),
    (FIT_ANCHOR, pa.date32()), (FIT_FINGERPRINT, pa.string()),
])
SCHEDULED_PARAMS_SCHEMA = pa.schema([
    ("model", pa.string()), ("parameter", pa.string()), ("estimate", pa.float64()),
    ("log_likelihood", pa.float64()), ("customers", pa.int64()), ("model_status", pa.string()),
    ("status_reason", pa.string()), ("time_unit", pa.string()), ("observation_end_date", pa.date32()),
    ("frequency_spend_correlation", pa.float64()),
    (FIT_ANCHOR, pa.date32()), (FIT_FINGERPRINT, pa.string()),
])


def scheduled_model_params(rfm: pa.Table, min_repeat_customers: int, settings: FitSettings,
                           stored: pa.Table | None = None) -> pa.Table:
    """model_params() of the RFM summary as of the fit's anchor (int_persons_rfm_at_fit_anchor;
    its observation_end_date is the anchor) with the anchor and the fingerprint of its rows and
    settings on every row; the stored table (None on a full build) itself when it holds the same
    fit."""
    return _kept_or_refitted(rfm, "int_persons_rfm_at_fit_anchor", min_repeat_customers, settings, stored,
                             SCHEDULED_PARAMS_SCHEMA, lambda: model_params(rfm, min_repeat_customers, settings))


def _kept_or_refitted(rows: pa.Table, name: str, min_repeat_customers: int, settings: FitSettings,
                      stored: pa.Table | None, schema: pa.Schema, refit) -> pa.Table:
    """A CLV fit on the schedule: its anchor is the observation_end_date of its input rows (dated
    by the SQL macros), its fingerprint that of the rows (as input `name`) and the settings."""
    anchor = _single(rows, "observation_end_date")
    fit = Fit(anchor, fingerprint({name: rows}, {"min_repeat_customers": min_repeat_customers,
                                                 "fit": asdict(settings), "anchor": anchor}))
    return kept_or_refitted(stored, fit, schema, FIT_ANCHOR, FIT_FINGERPRINT, refit)
