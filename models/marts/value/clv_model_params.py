"""clv_model_params: the BG/NBD and Gamma-Gamma fits on customer_rfm (doc block clv). The
fitting code lives in engagement_warehouse.clv, tested against the published estimates."""

from engagement_warehouse.clv.fitting import FitSettings
from engagement_warehouse.clv.tables import model_params


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("meta")
    rfm = dbt.ref("customer_rfm").to_arrow_table()
    return model_params(rfm, int(settings["clv_min_repeat_customers"]), FitSettings.from_meta(settings))
