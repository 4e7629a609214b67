-- int_feedback_sentiment_scored on Spark: the table engagement_warehouse/spark/fits.py wrote with
-- the code of ../python/int_feedback_sentiment_scored.py (why: ../_fits__models.yml). The
-- depends_on lines keep that model's lineage: the job reads them.
-- depends_on: {{ ref('stg_shop__feedback') }}
-- depends_on: {{ ref('sentiment_lexicon') }}
-- depends_on: {{ ref('int_sentiment_model_evaluated') }}
-- depends_on: {{ ref('int_sentiment_classifier_params_fitted') }}
-- depends_on: {{ ref('int_data_end') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_feedback_sentiment_scored') }}
),

final as (
    select
        cast(feedback_id as string) as feedback_id,
        cast(sentiment_score as double) as sentiment_score,
        cast(sentiment_label as string) as sentiment_label,
        cast(sentiment_method as string) as sentiment_method,
        cast(lexicon_score as double) as lexicon_score,
        cast(lexicon_terms_found as bigint) as lexicon_terms_found,
        cast(sentiment_fit_anchor_date as date) as sentiment_fit_anchor_date,
        cast(sentiment_fit_fingerprint as string) as sentiment_fit_fingerprint,
        cast(scored_text_md5 as string) as scored_text_md5
    from fitted
)

select * from final
