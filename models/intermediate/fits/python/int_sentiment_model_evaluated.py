"""Per language and method, the cross-validated classifier's and the lexicon's AUC, precision and
recall on the language's training comments, and the method that scores the language (doc block
sentiment); the mart sentiment_model_evaluation and int_feedback_sentiment_scored read it."""

from engagement_warehouse.sentiment.tables import Settings, evaluation


def model(dbt, session):
    dbt.config(materialized="table")
    feedback = dbt.ref("stg_shop__feedback").to_arrow_table()
    lexicon = dbt.ref("sentiment_lexicon").to_arrow_table()
    return evaluation(feedback, lexicon, Settings.from_meta(dbt.config.get("meta")))
