"""The churn model: an L2-regularised logistic regression on standardised features, one-hot country
and acquisition channel, and country x signal interactions, so that each market can weigh a signal
its own way (DECISIONS.md, issue 20: measured against gradient boosting). Per person, a feature's
contribution is its coefficient times its standardised value, summed over the feature's main term
and its interaction with the person's country: the exact split of the person's log-odds minus the
log-odds of a person at the training means."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

# the numeric features of int_persons_churn_features (booleans count 0 / 1)
FEATURES = (
    "frequency", "recency_days", "tenure_days", "monetary_usd",
    "sessions_trend", "product_views_trend", "wishlist_adds_trend", "whatsapp_messages_trend",
    "social_shares_trend", "email_clicks_trend", "referrals_sent_trend", "referrals_sent",
    "engagement_score", "engagement_score_change",
    "latest_nps", "latest_csat", "is_detractor", "negative_comment_share", "negative_comment_share_change",
    "cash_based_share", "installment_share", "has_unconfirmed_cod_order", "is_loyalty_member",
)
CATEGORICAL = ("country_code", "acquisition_channel")
# the signals whose weight may differ by market: one interaction column per country and signal
INTERACTIONS = (
    "frequency", "recency_days", "sessions_trend", "product_views_trend", "wishlist_adds_trend",
    "whatsapp_messages_trend", "social_shares_trend", "email_clicks_trend", "referrals_sent",
    "engagement_score_change", "latest_nps", "is_detractor", "negative_comment_share",
)
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


@dataclass
class ChurnModel:
    means: np.ndarray            # training means of FEATURES (what a missing value becomes)
    levels: dict[str, list[str]]  # categorical levels seen in training
    scaler: StandardScaler
    classifier: LogisticRegression
    groups: list[str]            # per design column, the feature it belongs to
    interaction_country: list[str | None]  # per design column, the country of an interaction

    def design(self, table: pa.Table) -> np.ndarray:
        """The standardised design matrix."""
        return self.scaler.transform(self.unscaled(table))

    def unscaled(self, table: pa.Table) -> np.ndarray:
        """Features (missing values imputed by the training mean), one-hot levels, interactions."""
        values = np.column_stack([numeric(table, name) for name in FEATURES]) if table.num_rows else \
            np.empty((0, len(FEATURES)))
        values = np.where(np.isnan(values), self.means, values)
        columns = [values]
        for name in CATEGORICAL:
            observed = np.array(table.column(name).to_pylist(), dtype=object)
            columns.append(np.column_stack([observed == level for level in self.levels[name]]).astype(float)
                           if self.levels[name] else np.empty((values.shape[0], 0)))
        countries = np.array(table.column("country_code").to_pylist(), dtype=object)
        for country in self.levels["country_code"]:
            in_country = (countries == country).astype(float)[:, None]
            columns.append(values[:, [FEATURES.index(name) for name in INTERACTIONS]] * in_country)
        return np.hstack(columns)

    def predict(self, table: pa.Table) -> np.ndarray:
        matrix = self.design(table)
        return self.classifier.predict_proba(matrix)[:, 1] if matrix.shape[0] else np.empty(0)

    def contributions(self, table: pa.Table) -> tuple[list[str], np.ndarray]:
        """(feature names, per person and feature: coefficient x standardised value summed over the
        feature's columns)."""
        matrix = self.design(table)
        per_column = matrix * self.classifier.coef_[0]
        names = sorted(set(self.groups), key=self.groups.index)
        summed = np.column_stack([per_column[:, [i for i, g in enumerate(self.groups) if g == name]].sum(axis=1)
                                  for name in names])
        return names, summed


def fit(table: pa.Table, y: np.ndarray) -> ChurnModel:
    """Fits the model on the rows of `table` (in a fixed order) with labels `y` (1 = churned)."""
    raw = np.column_stack([numeric(table, name) for name in FEATURES])
    present = (~np.isnan(raw)).sum(axis=0)
    means = np.where(present > 0, np.nansum(raw, axis=0) / np.maximum(present, 1), 0.0)
    levels = {name: sorted(set(table.column(name).to_pylist())) for name in CATEGORICAL}
    groups = list(FEATURES) + [name for name in CATEGORICAL for _ in levels[name]] + \
        [name for _ in levels["country_code"] for name in INTERACTIONS]
    interaction_country = [None] * (len(FEATURES) + sum(len(levels[n]) for n in CATEGORICAL)) + \
        [country for country in levels["country_code"] for _ in INTERACTIONS]
    model = ChurnModel(means, levels, StandardScaler(), LogisticRegression(C=REGULARISATION_C, max_iter=2000,
                                                                           random_state=RANDOM_STATE),
                       groups, interaction_country)
    model.scaler.fit(model.unscaled(table))
    model.classifier.fit(model.design(table), y)
    return model
