"""Per language scored by the classifier, the fitted TF-IDF + logistic regression pipeline as rows
(doc block sentiment): the char and word vectorisers' vocabulary terms with their column index and
idf, the coefficient of each feature column (char, word, the 3 lexicon features) and the
intercept; int_feedback_sentiment_scored rebuilds the pipeline from them and scores without
fitting. The code lives in engagement_warehouse.sentiment.

On the refit schedule (var fit_refit_every_days, engagement_warehouse.fit_schedule): the fit of
int_feedback_sentiment_scored (the comments submitted up to its anchor). Incremental: a run whose
anchor and inputs are those of the stored fit returns the stored rows (the merge leaves them as
they are; no training); otherwise the new fit, and the merge deletes the rows it no longer has."""

from engagement_warehouse.fit_schedule import data_end_of, read_stored
from engagement_warehouse.sentiment.tables import SCHEDULED_PARAMS_SCHEMA, Settings, scheduled_classifier_params


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="merge",
        unique_key=["language", "feature_block", "column_index"],
        on_schema_change="append_new_columns",
        merge_clauses={
            "when_matched": [{"action": "update", "mode": "by_name"}],
            "when_not_matched": [{"action": "insert", "mode": "by_name"}, {"by": "source", "action": "delete"}],
        },
    )
    meta = dbt.config.get("meta")
    feedback = dbt.ref("stg_shop__feedback").to_arrow_table()
    lexicon = dbt.ref("sentiment_lexicon").to_arrow_table()
    evaluated = dbt.ref("int_sentiment_model_evaluated").to_arrow_table()
    data_end = data_end_of(dbt.ref("int_data_end").to_arrow_table())
    stored = read_stored(session, dbt.this, list(SCHEDULED_PARAMS_SCHEMA.names)) if dbt.is_incremental else None
    return scheduled_classifier_params(feedback, lexicon, Settings.from_meta(meta), evaluated, data_end,
                                       int(meta["fit_refit_every_days"]), stored)
