"""The churn model's tables as Arrow: what the dbt Python models int_churn_model_evaluated and
int_persons_churn_scored (and the Spark fitting job) return."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..clv import bgnbd
from ..clv.fitting import FitSettings
from . import metrics
from .model import OK, ChurnSettings, MarketModels, fit, numeric, training_status

MODEL = "churn_model"
BASELINE = "bgnbd_baseline"
ALL_COUNTRIES = "all"
MODEL_NOT_FITTED = "model_not_fitted"
BASELINE_NOT_FITTED = "baseline_not_fitted"
DRIVERS = 3


def rows_of(features: pa.Table, role: str, active_only: bool = True) -> pa.Table:
    """The feature rows of one snapshot role, active persons only unless asked, by person_key."""
    mask = pc.equal(features.column("snapshot_role"), role)
    if active_only:
        mask = pc.and_(mask, features.column("is_active"))
    return features.filter(mask).sort_by("person_key")


def labelled(features: pa.Table, labels: pa.Table, role: str) -> tuple[pa.Table, np.ndarray]:
    """The active persons of a labelled snapshot and their labels (1 = churned), by person_key."""
    rows = rows_of(features, role)
    churned = dict(zip(labels.filter(pc.equal(labels.column("snapshot_role"), role)).column("person_key").to_pylist(),
                       labels.filter(pc.equal(labels.column("snapshot_role"), role)).column("is_churned").to_pylist()))
    return rows, np.array([1.0 if churned.get(key) else 0.0 for key in rows.column("person_key").to_pylist()])


def trained(features: pa.Table, labels: pa.Table, role: str, settings: ChurnSettings) -> tuple[MarketModels | None, str]:
    """The models fitted on one labelled snapshot, or None and the status saying why not."""
    rows, y = labelled(features, labels, role)
    status = training_status(y, settings)
    return (fit(rows, y, settings) if status == OK else None), status


def baseline(features: pa.Table, role: str, min_repeat_customers: int, settings: FitSettings) -> dict[str, float]:
    """1 - BG/NBD probability alive per active person at the snapshot, BG/NBD fitted (in days) on
    every person with a confirmed order by the snapshot; empty when the fit did not converge."""
    everyone = rows_of(features, role, active_only=False)
    x = numeric(everyone, "frequency")
    t = numeric(everyone, "tenure_days")
    t_x = t - numeric(everyone, "recency_days")
    result = bgnbd.fit(x, t_x, t, min_repeat_customers, settings)
    if not result.status.is_converged:
        return {}
    alive = bgnbd.probability_alive(result.params, x, t_x, t)
    active = everyone.column("is_active").to_pylist()
    return {key: float(1 - a) for key, a, is_active in zip(everyone.column("person_key").to_pylist(), alive, active)
            if is_active}


EVALUATION_SCHEMA = pa.schema([
    ("scorer", pa.string()), ("country_code", pa.string()), ("decile", pa.int32()),
    ("evaluation_status", pa.string()), ("persons", pa.int64()), ("churners", pa.int64()),
    ("churn_rate", pa.float64()), ("auc", pa.float64()), ("pr_auc", pa.float64()), ("brier_score", pa.float64()),
    ("top_decile_lift", pa.float64()), ("top_decile_capture_rate", pa.float64()),
    ("decile_persons", pa.int64()), ("decile_mean_predicted", pa.float64()),
    ("decile_observed_churn_rate", pa.float64()), ("cumulative_capture_rate", pa.float64()),
    ("cumulative_lift", pa.float64()),
    ("training_snapshot_date", pa.date32()), ("evaluation_snapshot_date", pa.date32()),
    ("label_end_date", pa.date32()), ("training_persons", pa.int64()), ("training_churners", pa.int64()),
])


def evaluation(features: pa.Table, labels: pa.Table, settings: ChurnSettings, min_repeat_customers: int,
               fit_settings: FitSettings) -> pa.Table:
    """The time split (doc block churn_model_evaluation): the model trained on the 'train' snapshot,
    the baseline fitted on the orders up to the 'evaluate' snapshot, both scored on the persons
    active at 'evaluate' against their labels; overall and per country, ten rows (deciles) each."""
    model, status = trained(features, labels, "train", settings)
    train_rows, train_y = labelled(features, labels, "train")
    rows, y = labelled(features, labels, "evaluate")
    keys = rows.column("person_key").to_pylist()
    countries = np.array(rows.column("country_code").to_pylist(), dtype=object)
    predicted = model.predict(rows) if model is not None else None
    alive = baseline(features, "evaluate", min_repeat_customers, fit_settings)
    base = np.array([alive.get(key, np.nan) for key in keys]) if alive else None
    dates = _snapshot_dates(labels)
    out = []
    for scorer, p, missing in ((MODEL, predicted, status if status != OK else MODEL_NOT_FITTED),
                               (BASELINE, base, BASELINE_NOT_FITTED)):
        for country in [ALL_COUNTRIES] + sorted(set(countries)):
            members = np.ones(y.size, bool) if country == ALL_COUNTRIES else countries == country
            segment_y = y[members]
            churners = int(segment_y.sum())
            if p is None:
                segment_status = missing
            elif members.sum() < settings.min_evaluation_persons:
                segment_status = "too_few_persons"
            elif min(churners, members.sum() - churners) < settings.min_evaluation_churners:
                segment_status = "too_few_churners"
            else:
                segment_status = OK
            common = {
                "scorer": scorer, "country_code": country, "evaluation_status": segment_status,
                "persons": int(members.sum()), "churners": churners,
                "churn_rate": float(segment_y.mean()) if members.sum() else None,
                "training_persons": int(train_y.size), "training_churners": int(train_y.sum()), **dates,
            }
            if segment_status == OK:
                segment_p = p[members]
                lift, capture = metrics.top_decile(segment_y, segment_p)
                common.update(auc=metrics.auc(segment_y, segment_p),
                              pr_auc=metrics.average_precision(segment_y, segment_p),
                              brier_score=metrics.brier(segment_y, segment_p),
                              top_decile_lift=lift, top_decile_capture_rate=capture)
                out += [{**common, **decile} for decile in metrics.calibration(segment_y, segment_p)]
            else:
                out += [{**common, "decile": k} for k in range(1, metrics.DECILES + 1)]
    return pa.Table.from_pylist(out, EVALUATION_SCHEMA)


def _snapshot_dates(labels: pa.Table) -> dict:
    by_role = {row["snapshot_role"]: row for row in labels.select(["snapshot_role", "snapshot_date", "label_end_date"])
               .group_by(["snapshot_role", "snapshot_date", "label_end_date"]).aggregate([]).to_pylist()}
    return {
        "training_snapshot_date": by_role.get("train", {}).get("snapshot_date"),
        "evaluation_snapshot_date": by_role.get("evaluate", {}).get("snapshot_date"),
        "label_end_date": by_role.get("evaluate", {}).get("label_end_date"),
    }


SCORES_SCHEMA = pa.schema(
    [("person_key", pa.string()), ("snapshot_date", pa.date32()), ("country_code", pa.string()),
     ("churn_probability", pa.float64()), ("model_status", pa.string()), ("model_scope", pa.string()),
     ("training_snapshot_date", pa.date32())]
    + [(f"driver_{k}_{part}", kind) for k in range(1, DRIVERS + 1)
       for part, kind in (("name", pa.string()), ("value", pa.float64()), ("contribution", pa.float64()))]
)


def scores(features: pa.Table, labels: pa.Table, settings: ChurnSettings) -> pa.Table:
    """Every person active at the 'score' snapshot with the churn probability of the model trained on
    the 'evaluate' snapshot (labels up to the observation end) and the three features that move
    that person's log-odds most (largest |contribution|; doc block churn_drivers). Null scores and
    the status when the model could not be trained."""
    model, status = trained(features, labels, "evaluate", settings)
    rows = rows_of(features, "score")
    training = _snapshot_dates(labels)["evaluation_snapshot_date"]
    n = rows.num_rows
    data = {
        "person_key": rows.column("person_key").to_pylist(),
        "snapshot_date": rows.column("snapshot_date").to_pylist(),
        "country_code": rows.column("country_code").to_pylist(),
        "churn_probability": [None] * n, "model_status": [status] * n, "model_scope": [None] * n,
        "training_snapshot_date": [training] * n,
    }
    for k in range(1, DRIVERS + 1):
        for part in ("name", "value", "contribution"):
            data[f"driver_{k}_{part}"] = [None] * n
    if model is not None and n:
        data["churn_probability"] = model.predict(rows).tolist()
        data["model_scope"] = model.scope(rows).tolist()
        names, contribution = model.contributions(rows)
        top = np.argsort(-np.abs(contribution), axis=1, kind="stable")[:, :DRIVERS]
        for k in range(DRIVERS):
            chosen = top[:, k]
            data[f"driver_{k + 1}_name"] = [names[j] for j in chosen]
            data[f"driver_{k + 1}_contribution"] = contribution[np.arange(n), chosen].tolist()
            data[f"driver_{k + 1}_value"] = [_value(rows, names[j], i) for i, j in enumerate(chosen)]
    return pa.table(data, SCORES_SCHEMA)


def _value(rows: pa.Table, name: str, index: int) -> float | None:
    """The person's value of a numeric feature; None for a categorical one (the name says which)."""
    value = rows.column(name)[index].as_py()
    if isinstance(value, bool):
        return float(value)
    return float(value) if isinstance(value, (int, float)) else None


def driver_strengths(features: pa.Table, labels: pa.Table, settings: ChurnSettings,
                     role: str = "evaluate") -> dict[str, dict[str, float]]:
    """Per country, each feature's mean |contribution| among its active persons at the snapshot,
    from the model (the country's own, or the pooled one) trained on that snapshot."""
    model, status = trained(features, labels, role, settings)
    if model is None:
        return {}
    rows, _ = labelled(features, labels, role)
    names, contribution = model.contributions(rows)
    countries = np.array(rows.column("country_code").to_pylist(), dtype=object)
    return {country: dict(zip(names, np.abs(contribution[countries == country]).mean(axis=0).tolist()))
            for country in sorted(set(countries))}


def drivers_by_market(features: pa.Table, labels: pa.Table, settings: ChurnSettings, role: str = "evaluate",
                      top: int = 3) -> dict[str, list[str]]:
    """Per country, the features with the largest mean |contribution| (driver_strengths)."""
    return {country: sorted(strength, key=lambda name: -strength[name])[:top]
            for country, strength in driver_strengths(features, labels, settings, role).items()}
