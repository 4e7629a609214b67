"""Suites of models/marts/feedback: fct_feedback, feedback_summary."""

from __future__ import annotations

from . import (
    MartSuite,
    any_rows_of,
    at_least_zero,
    between,
    not_less_than,
    not_null,
    one_of,
    rates,
    row_count_between,
    row_count_equals,
    rows_of,
    rule,
    timestamps,
)

fct_feedback = MartSuite(
    mart="fct_feedback",
    grain=("feedback_id",),
    expectations=(
        row_count_equals("stg_shop__feedback"),
        *not_null("customer_id", "survey_type", "score", "channel", "language", "has_comment", "submitted_ts",
                  "submitted_date", "submitted_month", "is_follow_up_complete"),
        one_of("survey_type", ["nps", "csat", "product_review"]),
        one_of("nps_category", ["promoter", "passive", "detractor"]),
        one_of("sentiment_label", ["positive", "neutral", "negative"]),
        between("score", 0, 10),
        *timestamps("submitted_ts", "submitted_date", "submitted_month"),
        rule("NPS scores run from 0 to 10, CSAT answers and review ratings from 1 to 5.",
             "select feedback_id from {batch} where (survey_type = 'nps' and score not between 0 and 10) "
             "or (survey_type <> 'nps' and score not between 1 and 5)"),
        rule("The NPS category follows the score (9-10 promoter, 7-8 passive, 0-6 detractor), null for other "
             "surveys.",
             "select feedback_id from {batch} where nps_category is distinct from case when survey_type = 'nps' "
             "then case when score >= 9 then 'promoter' when score >= 7 then 'passive' else 'detractor' end end"),
        rule("is_csat_satisfied is a CSAT answer of 4 or 5, null for other surveys.",
             "select feedback_id from {batch} "
             "where is_csat_satisfied is distinct from case when survey_type = 'csat' then score >= 4 end"),
        rule("A comment has a sentiment; no comment, no sentiment.",
             "select feedback_id from {batch} where (sentiment_label is null) = has_comment "
             "or (sentiment_label is null) <> (sentiment_score is null)"),
        rule("The reorder flag is known exactly when the follow-up window is over.",
             "select feedback_id from {batch} where (reordered_within_follow_up is null) = is_follow_up_complete"),
    ),
)

feedback_summary = MartSuite(
    mart="feedback_summary",
    grain=("country_code", "submitted_month"),
    expectations=(
        row_count_between(any_rows_of("fct_feedback"), rows_of("fct_feedback")),
        *not_null("responses", "nps_responses", "csat_responses", "reviews", "comments"),
        between("responses", min_value=1),
        between("nps", -100, 100),
        *rates("csat_satisfied_rate", "promoter_reorder_rate", "detractor_reorder_rate"),
        between("average_csat_score", 1, 5),
        between("average_review_rating", 1, 5),
        *at_least_zero("confirmed_orders", "responses_per_confirmed_order", "promoters", "passives",
                       "detractors"),
        not_less_than("csat_responses", "csat_satisfied"),
        not_less_than("comments", "positive_comments"),
        not_less_than("comments", "negative_comments"),
        not_less_than("promoters", "promoters_followed_up"),
        not_less_than("promoters_followed_up", "promoters_reordered"),
        not_less_than("detractors", "detractors_followed_up"),
        not_less_than("detractors_followed_up", "detractors_reordered"),
        *timestamps("submitted_month"),
        rule("Promoters, passives and detractors add up to the NPS answers.",
             "select * from {batch} where promoters + passives + detractors <> nps_responses"),
        rule("NPS is 100 * (promoters - detractors) / NPS answers, null without answers.",
             "select * from {batch} where nps is distinct from "
             "100.0 * (promoters - detractors) / nullif(nps_responses, 0) "
             "and abs(nps - 100.0 * (promoters - detractors) / nps_responses) > 1e-9"),
        rule("Every answer of fct_feedback is counted once.",
             "select * from (select sum(responses) as responses from {batch}) "
             "where responses <> (select count(*) from marts.fct_feedback)"),
        rule("An answer is an NPS, CSAT or review answer.",
             "select * from {batch} where responses <> nps_responses + csat_responses + reviews"),
    ),
)

SUITES = [fct_feedback, feedback_summary]
