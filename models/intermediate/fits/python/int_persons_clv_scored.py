"""Per person of int_persons_rfm: probability alive, expected purchases and value, 12-month CLV,
from the fitted parameters of int_clv_model_params_fitted (doc block clv)."""

from engagement_warehouse.clv.tables import scores


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("meta")
    rfm = dbt.ref("int_persons_rfm").to_arrow_table()
    params = dbt.ref("int_clv_model_params_fitted").to_arrow_table()
    return scores(rfm, params, float(settings["annual_discount_rate"]))
