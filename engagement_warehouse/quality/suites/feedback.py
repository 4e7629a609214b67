"""Suites of models/marts/feedback: fct_feedback, feedback_summary, sentiment_model_evaluation."""

from __future__ import annotations

from . import (
    MartSuite,
    at_least_zero,
    between,
    timestamps,
)

fct_feedback = MartSuite(
    mart="fct_feedback",
    categories=("survey_type", "feedback_channel", "nps_category"),
    grain=("feedback_id",),
    expectations=(
        between("score", 0, 10),
        *timestamps("submitted_ts", "submitted_date", "submitted_month"),
    ),
)


feedback_summary = MartSuite(
    mart="feedback_summary",
    grain=("country_code", "activity_month"),
    expectations=(
        *at_least_zero("confirmed_orders", "responses_per_confirmed_order", "promoters", "passives", "detractors"),
        between("responses", min_value=1),
        between("average_csat_score", 1, 5),
        between("average_review_rating", 1, 5),
        *timestamps("activity_month"),
    ),
)

sentiment_model_evaluation = MartSuite(
    mart="sentiment_model_evaluation",
    categories=("sentiment_method", "scoring_status"),
    grain=("language", "sentiment_method"),
    expectations=(
        *at_least_zero("comments", "rated_comments", "training_comments", "negative_comments", "positive_comments",
                       "min_rated_comments", "max_training_comments"),
        between("auc", 0, 1),
        between("precision_negative", 0, 1),
        between("recall_negative", 0, 1),
    ),
)

SUITES = [fct_feedback, feedback_summary, sentiment_model_evaluation]
