-- Sentiment of each feedback comment (doc block sentiment): the score, label and method of
-- int_feedback_sentiment_scored, the fit that scores every comment with its language's method
-- (the classifier learned from the rated comments, or the lexicon). What the rest of the project
-- reads, whichever engine ran the fit.
with

scored as (
    select * from {{ ref('int_feedback_sentiment_scored') }}
),

final as (
    select
        feedback_id,
        sentiment_score,
        sentiment_label,
        sentiment_method,
        lexicon_terms_found as sentiment_terms_found,
        sentiment_fit_anchor_date
    from scored
)

select * from final
