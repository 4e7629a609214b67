-- int_sentiment_model_evaluated on Spark: the table engagement_warehouse/spark/fits.py wrote with
-- the code of ../python/int_sentiment_model_evaluated.py (why: ../_fits__models.yml). The
-- depends_on lines keep that model's lineage: the job reads them.
-- depends_on: {{ ref('stg_shop__feedback') }}
-- depends_on: {{ ref('sentiment_lexicon') }}
-- depends_on: {{ ref('int_data_end') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_sentiment_model_evaluated') }}
),

final as (
    select
        cast(language as string) as language,
        cast(sentiment_method as string) as sentiment_method,
        cast(is_method_in_use as boolean) as is_method_in_use,
        cast(scoring_status as string) as scoring_status,
        cast(status_reason as string) as status_reason,
        cast(comments as bigint) as comments,
        cast(rated_comments as bigint) as rated_comments,
        cast(training_comments as bigint) as training_comments,
        cast(negative_comments as bigint) as negative_comments,
        cast(positive_comments as bigint) as positive_comments,
        cast(auc as double) as auc,
        cast(precision_negative as double) as precision_negative,
        cast(recall_negative as double) as recall_negative,
        cast(min_rated_comments as bigint) as min_rated_comments,
        cast(max_training_comments as bigint) as max_training_comments,
        cast(sentiment_fit_anchor_date as date) as sentiment_fit_anchor_date,
        cast(sentiment_fit_fingerprint as string) as sentiment_fit_fingerprint
    from fitted
)

select * from final
