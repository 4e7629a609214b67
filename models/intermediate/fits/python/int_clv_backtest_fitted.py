"""BG/NBD fitted on the calibration period, predicted vs actual repeat purchases in the holdout,
per calibration frequency and in total (doc block clv_backtest); the mart clv_backtest selects
from it.

On the refit schedule (var fit_refit_every_days; the holdout of int_persons_clv_backtest ends at
the observation end's anchor, macro clv_backtest_end): incremental, a run whose anchor and input
rows (fingerprint) are those of the stored fit returns the stored rows (the merge leaves them as
they are); otherwise the new fit, and the merge deletes the rows it no longer has."""

from engagement_warehouse.clv.fitting import FitSettings
from engagement_warehouse.clv.tables import SCHEDULED_BACKTEST_SCHEMA, scheduled_backtest
from engagement_warehouse.fit_schedule import read_stored


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="merge",
        unique_key=["frequency_bucket"],
        on_schema_change="append_new_columns",
        merge_clauses={
            "when_matched": [{"action": "update", "mode": "by_name"}],
            "when_not_matched": [{"action": "insert", "mode": "by_name"}, {"by": "source", "action": "delete"}],
        },
    )
    settings = dbt.config.get("meta")
    calibration = dbt.ref("int_persons_clv_backtest").to_arrow_table()
    stored = read_stored(session, dbt.this, list(SCHEDULED_BACKTEST_SCHEMA.names)) if dbt.is_incremental else None
    return scheduled_backtest(calibration, int(settings["clv_min_repeat_customers"]), FitSettings.from_meta(settings),
                              stored)
