"""Per person of customer_rfm: probability alive, expected purchases and value, 12-month CLV,
from the fitted parameters of clv_model_params (doc block clv)."""

from engagement_warehouse.clv.tables import scores


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("meta")
    rfm = dbt.ref("customer_rfm").to_arrow_table()
    params = dbt.ref("clv_model_params").to_arrow_table()
    return scores(rfm, params, float(settings["annual_discount_rate"]))
