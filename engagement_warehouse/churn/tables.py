"""The churn model's tables as Arrow: what the dbt Python models int_churn_model_evaluated and
int_persons_churn_scored (and the Spark fitting job) return."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from ..clv import bgnbd
from ..clv.fitting import FitSettings
from ..fit_schedule import Fit, fingerprint, kept_or_refitted
from . import metrics
from .model import (
    CATEGORICAL,
    FEATURES,
    OK,
    POOLED,
    RANDOM_STATE,
    REGULARISATION_C,
    TOO_FEW_PERSONS,
    ChurnModel,
    ChurnSettings,
    MarketModels,
    fit,
    numeric,
    training_status,
)

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
    return scored(features, model, status, _snapshot_dates(labels)["evaluation_snapshot_date"])


def scored(features: pa.Table, model: MarketModels | None, status: str, training: date | None) -> pa.Table:
    """scores() with a given model (None: not fitted, for the reason `status`) trained on the
    snapshot `training`."""
    rows = rows_of(features, "score")
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


# --- The refit schedule (engagement_warehouse.fit_schedule) ----------------------------------------

FIT_ANCHOR = "churn_fit_anchor_date"
FIT_FINGERPRINT = "churn_fit_fingerprint"
FIT_FIELDS = [pa.field(FIT_ANCHOR, pa.date32()), pa.field(FIT_FINGERPRINT, pa.string())]
SCHEDULED_EVALUATION_SCHEMA = pa.schema(list(EVALUATION_SCHEMA) + FIT_FIELDS)
LABELLED_ROLES = ("train", "evaluate")


def fit_anchor_of(snapshots: pa.Table) -> date | None:
    """The fit's anchor: the end of the 'evaluate' snapshot's labels in int_churn_snapshots (the
    SQL macro fit_anchor_date of the observation end; the observation end itself with the default
    var fit_refit_every_days 1), None without snapshots."""
    ends = snapshots.filter(pc.equal(snapshots.column("snapshot_role"), "evaluate")).column("label_end_date")
    return ends[0].as_py() if len(ends) else None


def churn_fit(features: pa.Table, labels: pa.Table, snapshots: pa.Table, settings: dict) -> Fit:
    """The fit a run makes: its anchor and the fingerprint of the labelled snapshots' features and
    labels (what the model and the baseline learn and are measured on) and the settings. Between
    two anchors only late data and erasures change it."""
    labelled_rows = features.filter(pc.is_in(features.column("snapshot_role"), pa.array(LABELLED_ROLES)))
    anchor = fit_anchor_of(snapshots)
    return Fit(anchor, fingerprint({"features": labelled_rows, "labels": labels}, {**settings, "anchor": anchor}))


def scheduled_evaluation(features: pa.Table, labels: pa.Table, snapshots: pa.Table, settings: ChurnSettings,
                         min_repeat_customers: int, fit_settings: FitSettings,
                         stored: pa.Table | None = None) -> pa.Table:
    """evaluation() with the fit's anchor and fingerprint on every row; the stored table (the
    model's previous rows, None on a full build) itself when it holds the same fit."""
    fit = churn_fit(features, labels, snapshots, {"churn": asdict(settings), "fit": asdict(fit_settings),
                                                  "min_repeat_customers": min_repeat_customers})
    return kept_or_refitted(stored, fit, SCHEDULED_EVALUATION_SCHEMA, FIT_ANCHOR, FIT_FINGERPRINT,
                            lambda: evaluation(features, labels, settings, min_repeat_customers, fit_settings))


# --- The scoring model's parameters, stored (int_churn_model_params_fitted) ------------------------

INTERCEPT = "(intercept)"
PARAMS_SCHEMA = pa.schema([
    ("model_scope", pa.string()), ("term_position", pa.int32()), ("feature_name", pa.string()),
    ("level", pa.string()), ("training_mean", pa.float64()), ("standardised_mean", pa.float64()),
    ("standardised_scale", pa.float64()), ("coefficient", pa.float64()), ("model_status", pa.string()),
    ("training_snapshot_date", pa.date32()), ("training_persons", pa.int64()),
] + FIT_FIELDS)


def model_params(features: pa.Table, labels: pa.Table, snapshots: pa.Table, settings: ChurnSettings,
                 stored: pa.Table | None = None) -> pa.Table:
    """The scoring model (trained on the 'evaluate' snapshot) as rows a reader can inspect: per
    model scope (a country, or pooled) its intercept (term_position 0), then each column of its
    design matrix in order (a numeric feature with its training mean, or a categorical level),
    with the standardisation's mean and scale and the coefficient. Without a fit, one pooled
    intercept row with null values and the status. The stored table (None on a full build) itself
    when it holds the same fit (anchor and fingerprint)."""
    fit = churn_fit(features, labels, snapshots, {"churn": asdict(settings), "model": "scores"})
    return kept_or_refitted(stored, fit, PARAMS_SCHEMA, FIT_ANCHOR, FIT_FINGERPRINT,
                            lambda: _model_params(features, labels, settings))


def _model_params(features: pa.Table, labels: pa.Table, settings: ChurnSettings) -> pa.Table:
    model, status = trained(features, labels, "evaluate", settings)
    rows, y = labelled(features, labels, "evaluate")
    common = {"model_status": status, "training_snapshot_date": _snapshot_dates(labels)["evaluation_snapshot_date"],
              "training_persons": int(y.size)}
    schema = pa.schema([field for field in PARAMS_SCHEMA if field.name not in (FIT_ANCHOR, FIT_FINGERPRINT)])
    if model is None:
        return pa.Table.from_pylist([{**common, "model_scope": POOLED, "term_position": 0,
                                      "feature_name": INTERCEPT}], schema)
    out = []
    for scope in sorted(model.models):
        one = model.models[scope]
        out.append({**common, "model_scope": scope, "term_position": 0, "feature_name": INTERCEPT,
                    "coefficient": float(one.classifier.intercept_[0])})
        terms = [(name, None, float(mean)) for name, mean in zip(FEATURES, one.means)]
        terms += [(name, level, None) for name in CATEGORICAL for level in one.levels[name]]
        for position, (name, level, mean) in enumerate(terms, start=1):
            out.append({**common, "model_scope": scope, "term_position": position, "feature_name": name,
                        "level": level, "training_mean": mean,
                        "standardised_mean": float(one.scaler.mean_[position - 1]),
                        "standardised_scale": float(one.scaler.scale_[position - 1]),
                        "coefficient": float(one.classifier.coef_[0, position - 1])})
    return pa.Table.from_pylist(out, schema)


def models_of(params: pa.Table) -> tuple[MarketModels | None, str]:
    """The MarketModels the rows of model_params() describe (None without a fit) and the status:
    the same arrays as the fitted objects, so they score exactly as the models that were fitted."""
    rows = sorted(params.to_pylist(), key=lambda row: (row["model_scope"], row["term_position"]))
    status = rows[0]["model_status"] if rows else TOO_FEW_PERSONS
    if status != OK:
        return None, status
    models = {}
    for scope in sorted({row["model_scope"] for row in rows}):
        terms = [row for row in rows if row["model_scope"] == scope]
        intercept, columns = terms[0], terms[1:]
        means = np.array([row["training_mean"] for row in columns if row["level"] is None], dtype=float)
        levels = {name: [row["level"] for row in columns if row["feature_name"] == name and row["level"] is not None]
                  for name in CATEGORICAL}
        scaler = StandardScaler()
        scaler.mean_ = np.array([row["standardised_mean"] for row in columns], dtype=float)
        scaler.scale_ = np.array([row["standardised_scale"] for row in columns], dtype=float)
        scaler.var_ = scaler.scale_ ** 2
        scaler.n_features_in_ = len(columns)
        classifier = LogisticRegression(C=REGULARISATION_C, max_iter=2000, random_state=RANDOM_STATE)
        classifier.coef_ = np.array([[row["coefficient"] for row in columns]], dtype=float)
        classifier.intercept_ = np.array([intercept["coefficient"]], dtype=float)
        classifier.classes_ = np.array([0.0, 1.0])
        classifier.n_features_in_ = len(columns)
        models[scope] = ChurnModel(means, levels, scaler, classifier)
    return MarketModels(models), status


SCHEDULED_SCORES_SCHEMA = pa.schema(list(SCORES_SCHEMA) + [FIT_FIELDS[0]])


def scores_from_params(features: pa.Table, params: pa.Table) -> pa.Table:
    """scores() of the model that the stored parameters (model_params()) describe, with the fit's
    anchor on every row: the persons active at the 'score' snapshot, scored without fitting."""
    model, status = models_of(params)
    first = params.slice(0, 1).to_pylist()
    training = first[0]["training_snapshot_date"] if first else None
    anchor = first[0][FIT_ANCHOR] if first else None
    table = scored(features, model, status, training)
    return table.append_column(FIT_FIELDS[0], pa.array([anchor] * table.num_rows, pa.date32()))
