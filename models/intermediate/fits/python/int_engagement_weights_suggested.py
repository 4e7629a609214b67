"""Per country and weighted engagement signal, the configured weight and the weight suggested by a
regularised logistic regression of next-quarter retention on the quarter's signal counts (doc
block engagement_weight_suggestions); the mart engagement_weight_suggestions selects it. The code
lives in engagement_warehouse.engagement_weights."""

from engagement_warehouse.engagement_weights import WeightSettings, suggestions


def model(dbt, session):
    dbt.config(materialized="table")
    settings = WeightSettings.from_meta(dbt.config.get("meta"))
    person_quarters = dbt.ref("int_persons_signals_by_quarter").to_arrow_table()
    weights = dbt.ref("engagement_score_weights").to_arrow_table()
    return suggestions(person_quarters, weights, settings)
