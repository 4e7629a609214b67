"""Every person active at the observation end with the churn probability of the model trained on
the 'evaluate' snapshot and their three main drivers (doc block churn_model); the mart
customer_churn_risk selects it. The model is the one whose parameters int_churn_model_params_fitted
stores (scored without fitting; on the refit schedule it is kept between anchors). The code lives
in engagement_warehouse.churn."""

from engagement_warehouse.churn.tables import scores_from_params


def model(dbt, session):
    dbt.config(materialized="table")
    features = dbt.ref("int_persons_churn_features").to_arrow_table()
    params = dbt.ref("int_churn_model_params_fitted").to_arrow_table()
    return scores_from_params(features, params)
