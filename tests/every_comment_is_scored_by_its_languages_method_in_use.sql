-- Every comment of fct_feedback is scored by the method sentiment_model_evaluation marks in use for
-- its language: the scoring fit applies the evaluation's choice (classifier or lexicon), so the
-- mart never shows one method in use while the comments were scored by the other.
with

feedback as (
    select * from {{ ref('fct_feedback') }}
),

evaluation as (
    select * from {{ ref('sentiment_model_evaluation') }}
),

-- the fit puts a comment without a language under 'unknown'
comments as (
    select
        feedback_id,
        coalesce(language, 'unknown') as language,
        sentiment_method
    from feedback
    where sentiment_method is not null
),

in_use as (
    select
        language,
        sentiment_method
    from evaluation
    where is_method_in_use
)

select
    comments.language,
    comments.sentiment_method,
    in_use.sentiment_method as method_in_use,
    count(*) as comments
from comments
left join in_use on comments.language = in_use.language
where in_use.sentiment_method is null or comments.sentiment_method != in_use.sentiment_method
group by comments.language, comments.sentiment_method, in_use.sentiment_method
