"""The dbt Python models on Spark.

dbt-spark runs Python models only on Databricks clusters, not in session mode, so on the spark
target the Python models (models/intermediate/fits/python) are disabled and the SQL models
of the same names (models/intermediate/fits/spark) enabled, by one folder-level config each in
dbt_project.yml; each SQL model reads what this job writes. The job reads the models' inputs
(intermediate models) from the warehouse, calls the same fitting code as the Python models
(engagement_warehouse.clv, engagement_warehouse.churn, engagement_warehouse.sentiment) and
writes one table per model into the schema of the dbt source `python_fits`. Settings (the models' meta) and table names come from
dbt's manifest, so nothing here repeats the YAML. `build.py` runs it between the two halves of
the dbt build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ..churn.model import ChurnSettings
from ..churn.tables import scheduled_evaluation as scheduled_churn_evaluation
from ..churn.tables import model_params as churn_model_params
from ..churn.tables import scores_from_params as churn_scores_from_params
from ..clv.fitting import FitSettings
from ..clv.projection import projection, settings_from_meta
from ..clv.tables import scheduled_backtest, scheduled_model_params, scores
from ..engagement_weights import WeightSettings
from ..engagement_weights import suggestions as weight_suggestions
from ..sentiment.tables import Settings as SentimentSettings
from ..fit_schedule import data_end_of
from ..sentiment.tables import scheduled_classifier_params, scheduled_evaluation, scheduled_scores

PROJECT = "latam_engagement"
SOURCE = "python_fits"


@dataclass
class FittedTable:
    model: str
    table: str
    rows: int


class Manifest:
    """The parts of dbt's manifest.json the job reads."""

    def __init__(self, path: Path):
        self.data = json.loads(Path(path).read_text())

    def model(self, name: str) -> dict:
        node = self.data["nodes"].get(f"model.{PROJECT}.{name}")
        if node is None:
            raise KeyError(f"model {name} is not enabled in {PROJECT}'s manifest: build on the spark target first")
        return node

    def meta(self, name: str) -> dict:
        return self.model(name)["config"]["meta"]

    def relation(self, name: str) -> str:
        return self.model(name)["relation_name"]

    def seed_relation(self, name: str) -> str:
        return self.data["nodes"][f"seed.{PROJECT}.{name}"]["relation_name"]

    def inputs(self, fit: str) -> list[str]:
        """The nodes a fit reads: its SQL twin's parents (depends_on) but its own fitted table."""
        own = f"source.{PROJECT}.{SOURCE}.{fit}"
        return [node for node in self.data["parent_map"][f"model.{PROJECT}.{fit}"] if node != own]

    def reads_fit(self, node: str, fit: str) -> bool:
        """Whether node is downstream of fit's table."""
        target, seen, todo = f"source.{PROJECT}.{SOURCE}.{fit}", set(), [node]
        while todo:
            current = todo.pop()
            if current == target:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(self.data["parent_map"].get(current, []))
        return False

    def fit_table(self, name: str) -> str:
        source = self.data["sources"][f"source.{PROJECT}.{SOURCE}.{name}"]
        return f"{source['schema']}.{source['identifier']}"


def fit_rounds(manifest_path: Path) -> list[list[str]]:
    """The fits in the order the job can compute them: a fit whose inputs (its SQL twin's parents
    other than its own fitted table) read another fit's table - the churn features read the
    comment sentiment - comes in a round after that fit, once dbt has built what lies between."""
    manifest = Manifest(manifest_path)
    fits = sorted(FIT_MODELS)
    waiting_on = {fit: {other for other in fits if other != fit
                        and any(manifest.reads_fit(node, other) for node in manifest.inputs(fit))} for fit in fits}
    rounds, done = [], set()
    while len(done) < len(fits):
        ready = [fit for fit in fits if fit not in done and waiting_on[fit] <= done]
        if not ready:
            raise RuntimeError(f"the fits {sorted(set(fits) - done)} read each other's tables")
        rounds.append(ready)
        done.update(ready)
    return rounds


def run_fits(spark, manifest_path: Path, models: list[str] | None = None) -> list[FittedTable]:
    """Fits the models (default: every one of FIT_MODELS) and writes their tables; returns what
    it wrote. The models' inputs must have been built (fit_rounds gives the order)."""
    manifest = Manifest(manifest_path)

    def read(model: str) -> pa.Table:
        return spark.table(manifest.relation(model)).toArrow()

    outputs = {}
    for model in models or sorted(FIT_MODELS):
        outputs.update(FIT_MODELS[model](manifest, read, spark, outputs))

    written = []
    for model, table in outputs.items():
        table = _typed(table)
        target = manifest.fit_table(model)
        schema = target.split(".")[0]
        if not spark.catalog.databaseExists(schema):
            spark.sql(f"create schema {schema}")
        spark.createDataFrame(table).write.saveAsTable(target, format="parquet", mode="overwrite")
        written.append(FittedTable(model, target, table.num_rows))
    return written


def _typed(table: pa.Table) -> pa.Table:
    """A column with no value at all (a fit with no estimates) has Arrow's null type, which Parquet
    cannot store: it is written as text, all null, and the model casts it to its own type."""
    for index, field in enumerate(table.schema):
        if pa.types.is_null(field.type):
            table = table.set_column(index, field.name, pa.nulls(table.num_rows, pa.string()))
    return table


def _clv_params(manifest, read, spark, done):
    meta = manifest.meta("int_clv_model_params_fitted")
    return {"int_clv_model_params_fitted": scheduled_model_params(
        read("int_persons_rfm_at_fit_anchor"), int(meta["clv_min_repeat_customers"]), FitSettings.from_meta(meta))}


def _clv_scores(manifest, read, spark, done):
    # the parameters fitted in this call, or else in an earlier round (fit_rounds puts the scores
    # after the parameters, and dbt has built the parameters' SQL twin in between): never refitted
    params = done.get("int_clv_model_params_fitted")
    if params is None:
        params = read("int_clv_model_params_fitted")
    rate = float(manifest.meta("int_persons_clv_scored")["annual_discount_rate"])
    return {"int_persons_clv_scored": scores(read("int_persons_rfm"), params, rate)}


def _clv_backtest(manifest, read, spark, done):
    meta = manifest.meta("int_clv_backtest_fitted")
    return {"int_clv_backtest_fitted": scheduled_backtest(
        read("int_persons_clv_backtest"), int(meta["clv_min_repeat_customers"]), FitSettings.from_meta(meta))}


def _retention_projection(manifest, read, spark, done):
    with duckdb.connect() as con:
        cohorts = read("int_cohort_retention_measured")
        return {"int_cohort_retention_projected": projection(
            con.from_arrow(cohorts), settings_from_meta(manifest.meta("int_cohort_retention_projected")))}


def _churn_evaluation(manifest, read, spark, done):
    meta = manifest.meta("int_churn_model_evaluated")
    return {"int_churn_model_evaluated": scheduled_churn_evaluation(
        read("int_persons_churn_features"), read("int_persons_churn_labels"), read("int_churn_snapshots"),
        ChurnSettings.from_meta(meta), int(meta["clv_min_repeat_customers"]), FitSettings.from_meta(meta))}


def _churn_params(manifest, read, spark, done):
    meta = manifest.meta("int_churn_model_params_fitted")
    return {"int_churn_model_params_fitted": churn_model_params(
        read("int_persons_churn_features"), read("int_persons_churn_labels"), read("int_churn_snapshots"),
        ChurnSettings.from_meta(meta))}


def _churn_scores(manifest, read, spark, done):
    # the parameters are the params fit's table, built in an earlier round
    return {"int_persons_churn_scored": churn_scores_from_params(read("int_persons_churn_features"),
                                                                 read("int_churn_model_params_fitted"))}


def _sentiment_lexicon(manifest, spark) -> pa.Table:
    return spark.table(manifest.seed_relation("sentiment_lexicon")).toArrow()


# The sentiment fits on the refit schedule (engagement_warehouse.fit_schedule): the same anchor as
# on DuckDB, but Spark rebuilds every table in full, so there is no stored fit to keep.
def _sentiment_params(manifest, read, spark, done):
    meta = manifest.meta("int_sentiment_classifier_params_fitted")
    # the method per language is the evaluation's choice: its table, built in an earlier round
    return {"int_sentiment_classifier_params_fitted": scheduled_classifier_params(
        read("stg_shop__feedback"), _sentiment_lexicon(manifest, spark), SentimentSettings.from_meta(meta),
        read("int_sentiment_model_evaluated"), data_end_of(read("int_data_end")), int(meta["fit_refit_every_days"]))}


def _sentiment_scores(manifest, read, spark, done):
    meta = manifest.meta("int_feedback_sentiment_scored")
    # the evaluation and the classifier's rows: their tables, built in earlier rounds (never refitted)
    return {"int_feedback_sentiment_scored": scheduled_scores(
        read("stg_shop__feedback"), _sentiment_lexicon(manifest, spark), SentimentSettings.from_meta(meta),
        read("int_sentiment_model_evaluated"), data_end_of(read("int_data_end")), int(meta["fit_refit_every_days"]),
        params=read("int_sentiment_classifier_params_fitted"))}


def _sentiment_evaluation(manifest, read, spark, done):
    meta = manifest.meta("int_sentiment_model_evaluated")
    return {"int_sentiment_model_evaluated": scheduled_evaluation(
        read("stg_shop__feedback"), _sentiment_lexicon(manifest, spark), SentimentSettings.from_meta(meta),
        data_end_of(read("int_data_end")), int(meta["fit_refit_every_days"]))}


def _weight_suggestions(manifest, read, spark, done):
    settings = WeightSettings.from_meta(manifest.meta("int_engagement_weights_suggested"))
    weights = spark.table(manifest.seed_relation("engagement_score_weights")).toArrow()
    return {"int_engagement_weights_suggested": weight_suggestions(read("int_persons_signals_by_quarter"),
                                                                   weights, settings)}


# Each fit: the function that computes its table from the warehouse (the same code as its dbt
# Python model in models/intermediate/fits/python).
FIT_MODELS = {
    "int_clv_model_params_fitted": _clv_params,
    "int_persons_clv_scored": _clv_scores,
    "int_clv_backtest_fitted": _clv_backtest,
    "int_cohort_retention_projected": _retention_projection,
    "int_churn_model_evaluated": _churn_evaluation,
    "int_churn_model_params_fitted": _churn_params,
    "int_persons_churn_scored": _churn_scores,
    "int_sentiment_classifier_params_fitted": _sentiment_params,
    "int_feedback_sentiment_scored": _sentiment_scores,
    "int_sentiment_model_evaluated": _sentiment_evaluation,
    "int_engagement_weights_suggested": _weight_suggestions,
}
