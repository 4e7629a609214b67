"""The churn model's proof on a time split (doc block churn_model_evaluation): trained on the
'train' snapshot, evaluated beside the BG/NBD baseline on the 'evaluate' snapshot; the mart
churn_model_evaluation selects it. The code lives in engagement_warehouse.churn."""

from engagement_warehouse.churn.model import ChurnSettings
from engagement_warehouse.churn.tables import evaluation
from engagement_warehouse.clv.fitting import FitSettings


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("meta")
    features = dbt.ref("int_persons_churn_features").to_arrow_table()
    labels = dbt.ref("int_persons_churn_labels").to_arrow_table()
    return evaluation(features, labels, ChurnSettings.from_meta(settings), int(settings["clv_min_repeat_customers"]),
                      FitSettings.from_meta(settings))
