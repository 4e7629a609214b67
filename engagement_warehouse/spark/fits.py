"""The dbt Python models on Spark.

dbt-spark runs Python models only on Databricks clusters, not in session mode, so on the spark
target the Python models (models/intermediate/fits/python) are disabled and the SQL models
of the same names (models/intermediate/fits/spark) enabled, by one folder-level config each in
dbt_project.yml; each SQL model reads what this job writes. The job reads the models' inputs
(intermediate models) from the warehouse, calls the same fitting code as the Python models
(engagement_warehouse.clv, engagement_warehouse.sentiment) and writes one table per model into the schema of the dbt source
`python_fits`. Settings (the models' meta) and table names come from
dbt's manifest, so nothing here repeats the YAML. `build.py` runs it between the two halves of
the dbt build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ..clv.fitting import FitSettings
from ..clv.projection import projection, settings_from_meta
from ..clv.tables import backtest, model_params, scores
from ..sentiment.tables import Settings as SentimentSettings
from ..sentiment.tables import evaluation, scored_comments

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

    def fit_table(self, name: str) -> str:
        source = self.data["sources"][f"source.{PROJECT}.{SOURCE}.{name}"]
        return f"{source['schema']}.{source['identifier']}"


def run_fits(spark, manifest_path: Path) -> list[FittedTable]:
    """Fits every model and writes its table; returns what it wrote."""
    manifest = Manifest(manifest_path)

    def read(model: str) -> pa.Table:
        return spark.table(manifest.relation(model)).toArrow()

    rfm = read("int_persons_rfm")
    params_meta, backtest_meta = manifest.meta("int_clv_model_params_fitted"), manifest.meta("int_clv_backtest_fitted")
    params = model_params(rfm, int(params_meta["clv_min_repeat_customers"]), FitSettings.from_meta(params_meta))
    outputs = {
        "int_clv_model_params_fitted": params,
        "int_persons_clv_scored": scores(rfm, params, float(manifest.meta("int_persons_clv_scored")["annual_discount_rate"])),
        "int_clv_backtest_fitted": backtest(read("int_persons_clv_backtest"),
                                            int(backtest_meta["clv_min_repeat_customers"]),
                                            FitSettings.from_meta(backtest_meta)),
    }
    feedback, lexicon = read("stg_shop__feedback"), spark.table(manifest.seed_relation("sentiment_lexicon")).toArrow()
    sentiment = SentimentSettings.from_meta(manifest.meta("int_feedback_sentiment_scored"))
    outputs["int_feedback_sentiment_scored"] = scored_comments(feedback, lexicon, sentiment)
    outputs["int_sentiment_model_evaluated"] = evaluation(
        feedback, lexicon, SentimentSettings.from_meta(manifest.meta("int_sentiment_model_evaluated")))
    with duckdb.connect() as con:
        cohorts = read("int_cohort_retention_measured")
        outputs["int_cohort_retention_projected"] = projection(
            con.from_arrow(cohorts), settings_from_meta(manifest.meta("int_cohort_retention_projected")))

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
