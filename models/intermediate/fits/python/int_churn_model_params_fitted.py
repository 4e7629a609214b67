"""The churn scoring model's parameters (doc block churn_model): per model scope (a country with
its own model, or pooled) the intercept and, per column of the design matrix, the training mean,
the standardisation and the coefficient of the logistic regression trained on the 'evaluate'
snapshot; int_persons_churn_scored scores from them. The code lives in engagement_warehouse.churn.

On the refit schedule (var fit_refit_every_days; the labelled snapshots of int_churn_snapshots are
set back to the fit's anchor): incremental, a run whose anchor and labelled snapshots
(fingerprint) are those of the stored fit returns the stored rows (the merge leaves them as they
are); otherwise the new fit, and the merge deletes the rows it no longer has."""

from engagement_warehouse.churn.model import ChurnSettings
from engagement_warehouse.churn.tables import PARAMS_SCHEMA, model_params
from engagement_warehouse.fit_schedule import read_stored


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="merge",
        unique_key=["model_scope", "term_position"],
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
    stored = read_stored(session, dbt.this, list(PARAMS_SCHEMA.names)) if dbt.is_incremental else None
    return model_params(features, labels, snapshots, ChurnSettings.from_meta(settings), stored)
