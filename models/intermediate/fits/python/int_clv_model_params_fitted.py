"""The BG/NBD and Gamma-Gamma fits on int_persons_rfm_at_fit_anchor (int_persons_rfm as of the
fit's anchor), one row per model and parameter (doc block clv); the mart clv_model_params selects
from it and int_persons_clv_scored scores int_persons_rfm with it. The fitting code lives in
engagement_warehouse.clv, tested against the published estimates.

On the refit schedule (var fit_refit_every_days): incremental, a run whose anchor and input rows
(fingerprint) are those of the stored fit returns the stored rows (the merge leaves them as they
are); otherwise the new fit, and the merge deletes the rows it no longer has."""

from engagement_warehouse.clv.fitting import FitSettings
from engagement_warehouse.clv.tables import SCHEDULED_PARAMS_SCHEMA, scheduled_model_params
from engagement_warehouse.fit_schedule import read_stored


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="merge",
        unique_key=["model", "parameter"],
        on_schema_change="append_new_columns",
        merge_clauses={
            "when_matched": [{"action": "update", "mode": "by_name"}],
            "when_not_matched": [{"action": "insert", "mode": "by_name"}, {"by": "source", "action": "delete"}],
        },
    )
    settings = dbt.config.get("meta")
    rfm = dbt.ref("int_persons_rfm_at_fit_anchor").to_arrow_table()
    stored = read_stored(session, dbt.this, list(SCHEDULED_PARAMS_SCHEMA.names)) if dbt.is_incremental else None
    return scheduled_model_params(rfm, int(settings["clv_min_repeat_customers"]), FitSettings.from_meta(settings),
                                  stored)
