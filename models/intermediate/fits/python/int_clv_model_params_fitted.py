"""The BG/NBD and Gamma-Gamma fits on int_persons_rfm, one row per model and parameter (doc block
clv); the mart clv_model_params selects from it. The fitting code lives in engagement_warehouse.clv,
tested against the published estimates."""

from engagement_warehouse.clv.fitting import FitSettings
from engagement_warehouse.clv.tables import model_params


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("meta")
    rfm = dbt.ref("int_persons_rfm").to_arrow_table()
    return model_params(rfm, int(settings["clv_min_repeat_customers"]), FitSettings.from_meta(settings))
