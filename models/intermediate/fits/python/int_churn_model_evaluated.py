"""The churn model's proof on a time split (doc block churn_model_evaluation): trained on the
'train' snapshot, evaluated beside the BG/NBD baseline on the 'evaluate' snapshot; the mart
churn_model_evaluation selects it. The code lives in engagement_warehouse.churn.

On the refit schedule (var fit_refit_every_days; the snapshots of int_churn_snapshots are set back
to the fit's anchor): incremental, a run whose anchor and labelled snapshots (fingerprint) are
those of the stored fit returns the stored rows (the merge leaves them as they are); otherwise the
new fit, and the merge deletes the rows it no longer has."""

from engagement_warehouse.churn.model import ChurnSettings
from engagement_warehouse.churn.tables import SCHEDULED_EVALUATION_SCHEMA, scheduled_evaluation
from engagement_warehouse.clv.fitting import FitSettings
from engagement_warehouse.fit_schedule import read_stored


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="merge",
        unique_key=["scorer", "country_code", "decile"],
        on_schema_change="append_new_columns",
        merge_clauses={
            "when_matched": [{"action": "update", "mode": "by_name"}],
            "when_not_matched": [{"action": "insert", "mode": "by_name"}, {"by": "source", "action": "delete"}],
        },
    )
    settings = dbt.config.get("meta")
    features = dbt.ref("int_persons_churn_features").to_arrow_table()
    labels = dbt.ref("int_persons_churn_labels").to_arrow_table()
    snapshots = dbt.ref("int_churn_snapshots").to_arrow_table()
    stored = read_stored(session, dbt.this, list(SCHEDULED_EVALUATION_SCHEMA.names)) if dbt.is_incremental else None
    return scheduled_evaluation(features, labels, snapshots, ChurnSettings.from_meta(settings),
                                int(settings["clv_min_repeat_customers"]), FitSettings.from_meta(settings), stored)
