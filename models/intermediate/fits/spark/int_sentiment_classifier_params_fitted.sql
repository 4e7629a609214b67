-- int_sentiment_classifier_params_fitted on Spark: the table engagement_warehouse/spark/fits.py
-- wrote with the code of ../python/int_sentiment_classifier_params_fitted.py (why:
-- ../_fits__models.yml). The depends_on lines keep that model's lineage: the job reads them.
-- depends_on: {{ ref('stg_shop__feedback') }}
-- depends_on: {{ ref('sentiment_lexicon') }}
-- depends_on: {{ ref('int_sentiment_model_evaluated') }}
-- depends_on: {{ ref('int_data_end') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_sentiment_classifier_params_fitted') }}
),

final as (
    select
        cast(language as string) as language,
        cast(feature_block as string) as feature_block,
        cast(column_index as bigint) as column_index,
        cast(term as string) as term,
        cast(idf as double) as idf,
        cast(coefficient as double) as coefficient,
        cast(training_comments as bigint) as training_comments,
        cast(sentiment_fit_anchor_date as date) as sentiment_fit_anchor_date,
        cast(sentiment_fit_fingerprint as string) as sentiment_fit_fingerprint
    from fitted
)

select * from final
