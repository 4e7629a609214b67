-- Lexicon sentiment of each feedback comment: the sum of the polarities of the sentiment_lexicon
-- terms found in the lower-cased comment (terms of the comment's language and emoji for any
-- language). Comments without a known term score 0 (neutral). See the seed for its limits.
with

feedback as (
    select * from {{ ref('stg_shop__feedback') }}
    where comment is not null
),

lexicon as (
    select * from {{ ref('sentiment_lexicon') }}
),

matches as (
    select
        feedback.feedback_id,
        lexicon.polarity
    from feedback
    inner join lexicon
        on
            (feedback.language = lexicon.language or lexicon.language = 'any')
            and {{ dbt.position('lexicon.term', 'lower(feedback.comment)') }} > 0
),

scores as (
    select
        feedback.feedback_id,
        cast(coalesce(sum(matches.polarity), 0) as {{ dbt.type_int() }}) as sentiment_score,
        cast(count(matches.polarity) as {{ dbt.type_int() }}) as sentiment_terms_found
    from feedback
    left join matches on feedback.feedback_id = matches.feedback_id
    group by feedback.feedback_id
),

final as (
    select
        feedback_id,
        sentiment_score,
        sentiment_terms_found,
        case
            when sentiment_score > 0 then 'positive'
            when sentiment_score < 0 then 'negative'
            else 'neutral'
        end as sentiment_label
    from scores
)

select * from final
