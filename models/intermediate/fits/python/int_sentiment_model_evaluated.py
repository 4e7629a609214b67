"""Per language and method, the cross-validated classifier's and the lexicon's AUC, precision and
recall on the language's training comments, and the method that scores the language (doc block
sentiment); the mart sentiment_model_evaluation and int_feedback_sentiment_scored read it.

Fitted on the refit schedule (var fit_refit_every_days, engagement_warehouse.fit_schedule): on the
comments submitted up to the fit's anchor. Incremental: a run whose anchor and inputs are those of
the stored fit returns the stored rows (the merge leaves them as they are); otherwise the new fit,
and the merge deletes the rows of languages it no longer has."""

from engagement_warehouse.fit_schedule import data_end_of, read_stored
from engagement_warehouse.sentiment.tables import SCHEDULED_EVALUATION_SCHEMA, Settings, scheduled_evaluation


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="merge",
        unique_key=["language", "sentiment_method"],
        on_schema_change="append_new_columns",
        merge_clauses={
            "when_matched": [{"action": "update", "mode": "by_name"}],
            "when_not_matched": [{"action": "insert", "mode": "by_name"}, {"by": "source", "action": "delete"}],
        },
    )
    meta = dbt.config.get("meta")
    feedback = dbt.ref("stg_shop__feedback").to_arrow_table()
    lexicon = dbt.ref("sentiment_lexicon").to_arrow_table()
    data_end = data_end_of(dbt.ref("int_data_end").to_arrow_table())
    stored = read_stored(session, dbt.this, list(SCHEDULED_EVALUATION_SCHEMA.names)) if dbt.is_incremental else None
    return scheduled_evaluation(feedback, lexicon, Settings.from_meta(meta), data_end,
                                int(meta["fit_refit_every_days"]), stored)
