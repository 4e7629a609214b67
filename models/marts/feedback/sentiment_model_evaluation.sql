-- How well each method tells the rated comments apart, per comment language (doc block
-- sentiment): the classifier's cross-validated AUC, precision and recall beside the lexicon's on
-- the same training comments, and which of the two scores the language. The fit is the dbt Python
-- model int_sentiment_model_evaluated (models/intermediate/fits), on Spark its stand-in of the
-- same name.
with

evaluated as (
    select * from {{ ref('int_sentiment_model_evaluated') }}
),

final as (
    -- cast to the contract: a language without a fit writes all-null metric columns
    select
        cast(language as {{ dbt.type_string() }}) as language,
        cast(sentiment_method as {{ dbt.type_string() }}) as sentiment_method,
        cast(is_method_in_use as boolean) as is_method_in_use,
        cast(scoring_status as {{ dbt.type_string() }}) as scoring_status,
        cast(status_reason as {{ dbt.type_string() }}) as status_reason,
        cast(comments as {{ dbt.type_bigint() }}) as comments,
        cast(rated_comments as {{ dbt.type_bigint() }}) as rated_comments,
        cast(training_comments as {{ dbt.type_bigint() }}) as training_comments,
        cast(negative_comments as {{ dbt.type_bigint() }}) as negative_comments,
        cast(positive_comments as {{ dbt.type_bigint() }}) as positive_comments,
        cast(auc as double) as auc,
        cast(precision_negative as double) as precision_negative,
        cast(recall_negative as double) as recall_negative,
        cast(min_rated_comments as {{ dbt.type_bigint() }}) as min_rated_comments,
        cast(max_training_comments as {{ dbt.type_bigint() }}) as max_training_comments,
        cast(sentiment_fit_anchor_date as date) as sentiment_fit_anchor_date
    from evaluated
)

select
    language,
    sentiment_method,
    is_method_in_use,
    scoring_status,
    status_reason,
    comments,
    rated_comments,
    training_comments,
    negative_comments,
    positive_comments,
    auc,
    precision_negative,
    recall_negative,
    min_rated_comments,
    max_training_comments,
    sentiment_fit_anchor_date
from final
