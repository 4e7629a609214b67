"""The churn model: L2-regularised logistic regressions on standardised features, one per market
with enough training persons, and a pooled one (every market's persons, with one-hot country and
acquisition channel) that scores the markets without their own (DECISIONS.md, issue 20: measured
against gradient boosting and against one model with country x signal interactions). Per person, a
feature's contribution is its coefficient times its standardised value in the model that scored
the person: the exact split of the person's log-odds minus the log-odds of a person at that
model's training means."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

# the engagement signals of int_persons_churn_features: a trend and a recent count each
SIGNALS = ("sessions", "product_views", "wishlist_adds", "whatsapp_messages", "social_shares", "email_clicks",
           "referrals_sent")
# the numeric features of int_persons_churn_features (booleans count 0 / 1)
FEATURES = (
    "frequency", "recency_days", "tenure_days", "monetary_usd",
    *(f"{signal}_trend" for signal in SIGNALS), *(f"{signal}_recent" for signal in SIGNALS), "referrals_sent",
    "engagement_score", "engagement_score_change",
    "latest_nps", "latest_csat", "is_detractor", "negative_comment_share", "negative_comment_share_change",
    "cash_based_share", "installment_share", "has_unconfirmed_cod_order", "is_loyalty_member",
)
# counts enter the model as log(1 + count): a few persons with hundreds of events would otherwise
# set the scale of everyone's standardised value
LOG_COUNTS = frozenset({f"{signal}_recent" for signal in SIGNALS} | {"referrals_sent"})
CATEGORICAL = ("country_code", "acquisition_channel")
POOLED = "pooled"
REGULARISATION_C = 0.1
RANDOM_STATE = 42

OK = "ok"
TOO_FEW_PERSONS = "too_few_persons"
TOO_FEW_CHURNERS = "too_few_churners"
MODEL_STATUSES = (OK, TOO_FEW_PERSONS, TOO_FEW_CHURNERS)


@dataclass(frozen=True)
class ChurnSettings:
    min_training_persons: int = 200
    min_training_churners: int = 20
    min_evaluation_persons: int = 100
    min_evaluation_churners: int = 10
    high_min_probability: float = 0.6
    medium_min_probability: float = 0.3

    @classmethod
    def from_meta(cls, meta: dict) -> "ChurnSettings":
        return cls(**{name: type(getattr(cls, name))(meta[f"churn_{name}"]) for name in cls.__dataclass_fields__
                      if f"churn_{name}" in meta})


def numeric(table: pa.Table, name: str) -> np.ndarray:
    """A column as floats, null as NaN (booleans as 0 / 1)."""
    column = table.column(name)
    if pa.types.is_boolean(column.type):
        column = column.cast(pa.int8())
    return np.array(column.cast(pa.float64()).to_pylist(), dtype=float) if column.null_count else \
        column.to_numpy().astype(float)


def training_status(y: np.ndarray, settings: ChurnSettings) -> str:
    """ok, or why there is no fit: too few active persons, or too few churners or non-churners."""
    if y.size < settings.min_training_persons:
        return TOO_FEW_PERSONS
    if min(y.sum(), y.size - y.sum()) < settings.min_training_churners:
        return TOO_FEW_CHURNERS
    return OK


def feature_values(table: pa.Table) -> np.ndarray:
    """FEATURES as the model reads them (LOG_COUNTS as log(1 + count)), null as NaN."""
    if not table.num_rows:
        return np.empty((0, len(FEATURES)))
    values = np.column_stack([numeric(table, name) for name in FEATURES])
    logged = [FEATURES.index(name) for name in sorted(LOG_COUNTS)]
    values[:, logged] = np.log1p(values[:, logged])
    return values


@dataclass
class ChurnModel:
    """One logistic regression."""

    means: np.ndarray            # training means of FEATURES (what a missing value becomes)
    levels: dict[str, list[str]]  # categorical levels seen in training
    scaler: StandardScaler
    classifier: LogisticRegression

    def design(self, table: pa.Table) -> np.ndarray:
        """The standardised design matrix."""
        return self.scaler.transform(self.unscaled(table))

    def unscaled(self, table: pa.Table) -> np.ndarray:
        """Features (missing values imputed by the training mean) and one-hot levels."""
        values = feature_values(table)
        values = np.where(np.isnan(values), self.means, values)
        columns = [values]
        for name in CATEGORICAL:
            observed = np.array(table.column(name).to_pylist(), dtype=object)
            columns.append(np.column_stack([observed == level for level in self.levels[name]]).astype(float)
                           if self.levels[name] else np.empty((values.shape[0], 0)))
        return np.hstack(columns)

    def contributions(self, table: pa.Table) -> np.ndarray:
        """Per row and name of FEATURE_NAMES: coefficient x standardised value, summed over a
        categorical feature's levels."""
        per_column = self.design(table) * self.classifier.coef_[0]
        groups = list(FEATURES) + [name for name in CATEGORICAL for _ in self.levels[name]]
        return np.column_stack([per_column[:, [i for i, g in enumerate(groups) if g == name]].sum(axis=1)
                                for name in FEATURE_NAMES])


FEATURE_NAMES = (*FEATURES, *CATEGORICAL)


@dataclass
class MarketModels:
    """A model per market with enough training persons, and the pooled model for the others."""

    models: dict[str, ChurnModel]  # country code, or POOLED

    def scope(self, table: pa.Table) -> np.ndarray:
        """Per row, the key of the model that scores it: its country's, else POOLED."""
        countries = np.array(table.column("country_code").to_pylist(), dtype=object)
        return np.array([country if country in self.models else POOLED for country in countries], dtype=object)

    def predict(self, table: pa.Table) -> np.ndarray:
        return self._per_scope(table, lambda model, rows: model.classifier.predict_proba(model.design(rows))[:, 1],
                               1)[:, 0]

    def contributions(self, table: pa.Table) -> tuple[list[str], np.ndarray]:
        """(feature names, per person and feature: the contribution in the model that scores the person)."""
        return list(FEATURE_NAMES), self._per_scope(table, ChurnModel.contributions, len(FEATURE_NAMES))

    def _per_scope(self, table: pa.Table, compute, width: int) -> np.ndarray:
        out = np.zeros((table.num_rows, width))
        scope = self.scope(table)
        for key in sorted(set(scope)):
            index = np.flatnonzero(scope == key)
            result = compute(self.models[key], table.take(pa.array(index)))
            out[index] = result.reshape(len(index), width)
        return out


def fit_one(table: pa.Table, y: np.ndarray) -> ChurnModel:
    """One model on the rows of `table` (in a fixed order) with labels `y` (1 = churned)."""
    raw = feature_values(table)
    present = (~np.isnan(raw)).sum(axis=0)
    means = np.where(present > 0, np.nansum(raw, axis=0) / np.maximum(present, 1), 0.0)
    levels = {name: sorted(set(table.column(name).to_pylist())) for name in CATEGORICAL}
    unscaled = ChurnModel(means, levels, StandardScaler(), LogisticRegression()).unscaled(table)
    scaler, classifier = fit_standardised(unscaled, y)
    return ChurnModel(means, levels, scaler, classifier)


def fit_standardised(values: np.ndarray, y: np.ndarray) -> tuple[StandardScaler, LogisticRegression]:
    """The project's regularised logistic regression: L2 with C = REGULARISATION_C on the columns
    of `values` standardised (the churn models; the engagement weight suggestions, issue 21)."""
    scaler = StandardScaler().fit(values)
    classifier = LogisticRegression(C=REGULARISATION_C, max_iter=2000, random_state=RANDOM_STATE)
    classifier.fit(scaler.transform(values), y)
    return scaler, classifier


def fit(table: pa.Table, y: np.ndarray, settings: ChurnSettings) -> MarketModels:
    """The pooled model on every row, and a model per country whose rows pass training_status."""
    models = {POOLED: fit_one(table, y)}
    countries = np.array(table.column("country_code").to_pylist(), dtype=object)
    for country in sorted(set(countries)):
        members = countries == country
        if training_status(y[members], settings) == OK:
            models[country] = fit_one(table.filter(pa.array(members)), y[members])
    return MarketModels(models)
