"""Engagement weight suggestions (issue 21; doc block engagement_weight_suggestions): per market, a
regularised logistic regression of next-quarter retention on the quarter's signal counts
(int_persons_signals_by_quarter), the churn model's own fit (churn.model.fit_standardised: L2,
standardised columns), one model per country with enough person-quarters and a pooled one for the
others, as the churn model does. Each coefficient is turned back into log-odds per count of the
signal (divided by the column's standard deviation) and then rescaled into the seed's units: times
the factor that gives the suggested score the same mean as the configured score over the
country's person-quarters, sum_j w_j m_j / sum_j b_j m_j (w configured weights, b per-count
coefficients, m the country's mean counts). The dbt Python model int_engagement_weights_suggested
and the Spark job return `suggestions`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .churn.model import OK, POOLED, ChurnSettings, fit_standardised, numeric, training_status

DEFAULT_ROW = "default"
NO_POSITIVE_SCALE = "no_positive_scale"
NO_ROWS = "no_rows"


@dataclass(frozen=True)
class WeightSettings:
    min_training_person_quarters: int = 200
    min_training_retained: int = 20

    @classmethod
    def from_meta(cls, meta: dict) -> "WeightSettings":
        return cls(**{name: int(meta[f"weight_suggestion_{name}"]) for name in cls.__dataclass_fields__
                      if f"weight_suggestion_{name}" in meta})

    def status(self, y: np.ndarray) -> str:
        """ok, too_few_persons or too_few_churners (too few retained or lost), as the churn model says it."""
        return training_status(y, ChurnSettings(min_training_persons=self.min_training_person_quarters,
                                                min_training_churners=self.min_training_retained))


def signal_names(weights: pa.Table) -> list[str]:
    """The weighted signals: the seed's columns but the country and the tier thresholds."""
    return [name for name in weights.column_names if name != "country_code" and not name.endswith("_min_score")]


def configured_weights(weights: pa.Table, signals: list[str]) -> dict[str, np.ndarray]:
    """Per seed row (country code or 'default'), the weights in the order of `signals`."""
    codes = weights.column("country_code").to_pylist()
    return {code: np.array([float(weights.column(s)[i].as_py()) for s in signals]) for i, code in enumerate(codes)}


def per_count_coefficients(values: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The fit's coefficients in log-odds per count of each signal (a constant column: 0)."""
    scaler, classifier = fit_standardised(values, y)
    return classifier.coef_[0] / scaler.scale_


def suggestions(person_quarters: pa.Table, weights: pa.Table, settings: WeightSettings) -> pa.Table:
    """One row per country of the person-quarters and weighted signal."""
    signals = signal_names(weights)
    configured = configured_weights(weights, signals)
    # a fixed row order: the same fit on either engine, whatever order the table was read in
    if person_quarters.num_rows:
        person_quarters = person_quarters.sort_by([("person_key", "ascending"), ("quarter_start", "ascending")])
    countries = np.array(person_quarters.column("country_code").to_pylist(), dtype=object)
    values = (np.column_stack([numeric(person_quarters, s) for s in signals]) if person_quarters.num_rows
              else np.empty((0, len(signals))))
    y = numeric(person_quarters, "is_retained_next_quarter") if person_quarters.num_rows else np.empty(0)

    fits: dict[str, np.ndarray] = {}
    statuses: dict[str, str] = {POOLED: settings.status(y) if y.size else NO_ROWS}
    if statuses[POOLED] == OK:
        fits[POOLED] = per_count_coefficients(values, y)
    for country in sorted(set(countries)):
        members = countries == country
        statuses[country] = settings.status(y[members])
        if statuses[country] == OK:
            fits[country] = per_count_coefficients(values[members], y[members])

    rows: dict[str, list] = {name: [] for name in (
        "country_code", "signal_name", "model_scope", "model_status", "training_person_quarters",
        "configured_weight", "fitted_coefficient", "weight_scale_factor", "suggested_weight")}
    for country in sorted(set(countries)):
        members = countries == country
        scope = country if country in fits else POOLED
        status = statuses[scope]
        weight = configured.get(country, configured[DEFAULT_ROW])
        coefficient = fits.get(scope)
        factor = None
        if coefficient is not None:
            means = values[members].mean(axis=0)
            denominator = float(coefficient @ means)
            if denominator > 0:
                factor = float(weight @ means) / denominator
            else:
                status = NO_POSITIVE_SCALE
        trained_on = int(members.sum()) if scope == country else int(y.size)
        for index, signal in enumerate(signals):
            rows["country_code"].append(country)
            rows["signal_name"].append(signal)
            rows["model_scope"].append(scope)
            rows["model_status"].append(status)
            rows["training_person_quarters"].append(trained_on)
            rows["configured_weight"].append(float(weight[index]))
            rows["fitted_coefficient"].append(None if coefficient is None else float(coefficient[index]))
            rows["weight_scale_factor"].append(factor)
            rows["suggested_weight"].append(None if factor is None else float(coefficient[index] * factor))
    schema = pa.schema([("country_code", pa.string()), ("signal_name", pa.string()), ("model_scope", pa.string()),
                        ("model_status", pa.string()), ("training_person_quarters", pa.int64()),
                        ("configured_weight", pa.float64()), ("fitted_coefficient", pa.float64()),
                        ("weight_scale_factor", pa.float64()), ("suggested_weight", pa.float64())])
    return pa.table(rows, schema=schema)
