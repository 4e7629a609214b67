"""Every person active at the observation end with the churn probability of the model trained on
the 'evaluate' snapshot and their three main drivers (doc block churn_model); the mart
customer_churn_risk selects it. The code lives in engagement_warehouse.churn."""

from engagement_warehouse.churn.model import ChurnSettings
from engagement_warehouse.churn.tables import scores


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("meta")
    features = dbt.ref("int_persons_churn_features").to_arrow_table()
    labels = dbt.ref("int_persons_churn_labels").to_arrow_table()
    return scores(features, labels, ChurnSettings.from_meta(settings))
