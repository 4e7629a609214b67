"""Every feedback comment scored by its language's method: the classifier learned from the
language's rated comments (rebuilt from the rows of int_sentiment_classifier_params_fitted, not
fitted here), or the lexicon when they are too few or the lexicon scored them better,
as int_sentiment_model_evaluated chose (doc block sentiment); int_feedback_sentiment selects from
it.

On the refit schedule (var fit_refit_every_days, engagement_warehouse.fit_schedule): the classifier
learns from the comments submitted up to the fit's anchor and scores every comment. Incremental:
while the fit is the stored one, a run scores only the comments that are new or whose language or
text changed (replaced by feedback_id), and the post-hook (in _fits__models.yml) deletes the comments that are gone (an
erasure, a comment removed); a new fit rescores every comment."""

from engagement_warehouse.fit_schedule import data_end_of, read_stored
from engagement_warehouse.sentiment.tables import STORED_KEYS, Settings, scheduled_scores


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="feedback_id",
        on_schema_change="append_new_columns",
    )
    meta = dbt.config.get("meta")
    feedback = dbt.ref("stg_shop__feedback").to_arrow_table()
    lexicon = dbt.ref("sentiment_lexicon").to_arrow_table()
    evaluated = dbt.ref("int_sentiment_model_evaluated").to_arrow_table()
    params = dbt.ref("int_sentiment_classifier_params_fitted").to_arrow_table()
    data_end = data_end_of(dbt.ref("int_data_end").to_arrow_table())
    stored = read_stored(session, dbt.this, STORED_KEYS) if dbt.is_incremental else None
    return scheduled_scores(feedback, lexicon, Settings.from_meta(meta), evaluated, data_end,
                            int(meta["fit_refit_every_days"]), stored, params)
