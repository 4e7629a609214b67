"""BG/NBD fitted on the calibration period, predicted vs actual repeat purchases in the holdout,
per calibration frequency and in total (doc block clv_backtest); the mart clv_backtest selects
from it."""

from engagement_warehouse.clv.fitting import FitSettings
from engagement_warehouse.clv.tables import backtest


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("meta")
    calibration = dbt.ref("int_persons_clv_backtest").to_arrow_table()
    return backtest(calibration, int(settings["clv_min_repeat_customers"]), FitSettings.from_meta(settings))
