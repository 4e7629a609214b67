"""Every feedback comment scored by its language's method: the classifier learned from the
language's rated comments, or the lexicon when they are too few or the lexicon scored them better,
as int_sentiment_model_evaluated chose (doc block sentiment); int_feedback_sentiment selects from
it."""

from engagement_warehouse.sentiment.tables import Settings, scored_comments


def model(dbt, session):
    dbt.config(materialized="table")
    feedback = dbt.ref("stg_shop__feedback").to_arrow_table()
    lexicon = dbt.ref("sentiment_lexicon").to_arrow_table()
    evaluated = dbt.ref("int_sentiment_model_evaluated").to_arrow_table()
    return scored_comments(feedback, lexicon, Settings.from_meta(dbt.config.get("meta")), evaluated)
