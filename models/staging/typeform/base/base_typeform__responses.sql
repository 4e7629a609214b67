{{ config(enabled=adapter_in_use('typeform'), materialized='table') }}

-- Every raw Typeform response, resolved to its contract feedback rows: one row per answered score
-- question of a response that passes the adapter's rules, one row (with rejection_rule) for a
-- response it does not carry. stg_typeform__feedback and stg_typeform__rejected_rows split it.
{% set rules = [
    ('missing_response_id', 'response_id', 'response_key is null'),
    ('duplicate_key_superseded', 'response_id', 'version_rank > 1'),
    ('partial_response', 'submitted_at',
        "response_type_code in ('partial', 'started') or submitted_at_text is null"),
    ('no_score_answer', 'answers', 'score_answer_count = 0'),
    ('missing_customer_identity', 'hidden', 'hidden_customer_id is null and respondent_email is null'),
    ('unknown_customer_email', 'email', 'hidden_customer_id is null and matched_customer_id is null'),
] -%}

with

responses as (
    select * from {{ source('typeform', 'responses') }}
),

form_languages as (
    -- a full-refresh sync may land a form twice
    select
        {{ clean_text('id') }} as form_id,
        min(left({{ clean_code(json_extract_text('settings', '$.language')) }}, 2)) as form_language
    from {{ source('typeform', 'forms') }}
    group by {{ clean_text('id') }}
),

question_mapping as (
    select * from {{ ref('typeform_question_mapping') }}
),

customer_email_keys as (
    -- one customer per e-mail key (tested unique there)
    select * from {{ ref('base_shop__customer_email_keys') }}
),

keyed as (
    select
        responses.*,
        coalesce({{ clean_text('responses.response_id') }}, {{ clean_text('responses.token') }})
            as response_key,
        {{ clean_code('responses.response_type') }} as response_type_code,
        {{ clean_text('responses.submitted_at') }} as submitted_at_text,
        -- a response landed twice (a re-sync) counts once: the latest submission wins
        row_number() over (
            partition by coalesce({{ clean_text('responses.response_id') }}, {{ clean_text('responses.token') }})
            order by
                {{ clean_text('responses.submitted_at') }} desc nulls last,
                cast(responses.answers as {{ dbt.type_string() }}) nulls last
        ) as version_rank
    from responses
),

current_responses as (
    select * from keyed
    where response_key is not null and version_rank = 1
),

answers as (
    select
        current_responses.response_key,
        {{ clean_text('current_responses.form_id') }} as form_id,
        answer_item.answer_position,
        {{ json_extract_text('answer_item.answer', '$.field.ref') }} as field_ref,
        {{ json_extract_text('answer_item.answer', '$.field.id') }} as field_id,
        {{ json_extract_text('answer_item.answer', '$.field.type') }} as field_type,
        {{ json_extract_text('answer_item.answer', '$.number') }} as number_value,
        {{ json_extract_text('answer_item.answer', '$.text') }} as text_value,
        {{ json_extract_text('answer_item.answer', '$.email') }} as email_value
    from current_responses
    cross join
        unnest(cast(current_responses.answers as json[])) with ordinality
            as answer_item (answer, answer_position)
),

answer_roles as (
    select
        answers.*,
        coalesce(
            question_mapping.role,
            -- Typeform's own NPS question type needs no seed row
            case when answers.field_type = 'nps' then 'nps_score' end,
            'ignore'
        ) as answer_role
    from answers
    left join question_mapping
        on
            answers.form_id = question_mapping.form_id
            and question_mapping.field_ref in (answers.field_ref, answers.field_id)
),

score_answers as (
    select
        response_key,
        case answer_role
            when 'nps_score' then 'nps'
            when 'csat_score' then 'csat'
            when 'review_score' then 'product_review'
        end as survey_type,
        number_value as score,
        -- the comment goes to the first score row: nps, then csat, then product_review
        row_number() over (
            partition by response_key
            order by
                case answer_role
                    when 'nps_score' then 1
                    when 'csat_score' then 2
                    when 'review_score' then 3
                end,
                answer_position
        ) as score_rank,
        count(*) over (partition by response_key) as score_answer_count
    from answer_roles
    where answer_role in ('nps_score', 'csat_score', 'review_score') and number_value is not null
),

response_texts as (
    select
        response_key,
        min(case when answer_role = 'comment' then answer_position end) as comment_position,
        min(case when answer_role = 'email' and email_value is not null then answer_position end) as email_position,
        {{ dbt.listagg("coalesce(field_ref, field_id) || ':' || answer_role", "', '", "order by answer_position") }}
            as answered_fields
    from answer_roles
    group by response_key
),

response_summary as (
    select
        response_texts.response_key,
        response_texts.answered_fields,
        comment_answer.text_value as comment,
        email_answer.email_value as answered_email
    from response_texts
    left join answer_roles as comment_answer
        on
            response_texts.response_key = comment_answer.response_key
            and response_texts.comment_position = comment_answer.answer_position
    left join answer_roles as email_answer
        on
            response_texts.response_key = email_answer.response_key
            and response_texts.email_position = email_answer.answer_position
),

identified as (
    select
        keyed.*,
        response_summary.answered_fields,
        response_summary.comment,
        coalesce(score_answers.score_answer_count, 0) as score_answer_count,
        score_answers.survey_type,
        score_answers.score,
        score_answers.score_rank,
        {{ clean_text(json_extract_text('keyed.hidden', '$.customer_id')) }} as hidden_customer_id,
        coalesce(
            {{ clean_text('response_summary.answered_email') }},
            {{ clean_text(json_extract_text('keyed.hidden', '$.email')) }}
        ) as respondent_email
    from keyed
    left join response_summary
        on keyed.response_key = response_summary.response_key and keyed.version_rank = 1
    left join score_answers
        on keyed.response_key = score_answers.response_key and keyed.version_rank = 1
),

matched as (
    select
        identified.*,
        customer_email_keys.customer_id as matched_customer_id
    from identified
    left join customer_email_keys
        on
            identified.respondent_email is not null
            and {{ email_key('identified.respondent_email') }} = customer_email_keys.email_key
),

-- each response with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per response (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('matched', rules) }}
),

{%- set hidden_customer_token = pseudonymous_customer_id(
    'named.hidden_customer_id', 'erased_customers.customer_id is not null'
) %}

final as (
    select
        -- the contract's feedback columns, as text (base_shop__feedback parses them)
        case
            when named.rejection_rule is null and named.score_answer_count > 1
                then named.response_key || '-' || named.survey_type
            when named.rejection_rule is null then named.response_key
        end as feedback_id,
        -- an erased customer's raw id (a hidden field) only as its token: this table is stored
        coalesce(
            {{ hidden_customer_token }},
            named.matched_customer_id
        ) as customer_id,
        {{ clean_text(json_extract_text('named.hidden', '$.order_id')) }} as order_id,
        named.submitted_at_text as submitted_ts,
        named.survey_type,
        named.score,
        case when named.score_rank = 1 then named.comment end as comment,
        coalesce({{ clean_code(json_extract_text('named.hidden', '$.channel')) }}, 'web') as channel,
        coalesce(
            {{ clean_code(json_extract_text('named.hidden', '$.language')) }},
            form_languages.form_language
        ) as language,

        -- the vendor row
        named.response_key,
        named.form_id,
        named.rejection_rule,
        named.rejected_column,
        case
            when named.rejection_rule is not null
                then {{ to_json_object([
                    ('response_id', 'named.response_id'),
                    ('token', 'named.token'),
                    ('form_id', 'named.form_id'),
                    ('landed_at', 'named.landed_at'),
                    ('submitted_at', 'named.submitted_at'),
                    ('response_type', 'named.response_type'),
                    ('hidden_customer_id', hidden_customer_token),
                    ('hidden_order_id', json_extract_text('named.hidden', '$.order_id')),
                    ('respondent_email', "case when named.respondent_email is not null then '[redacted]' end"),
                    ('answered_fields', 'named.answered_fields'),
                ]) }}
        end as raw_record
    from named
    left join form_languages on {{ clean_text('named.form_id') }} = form_languages.form_id
    left join {{ ref('base_shop__erased_customers') }} as erased_customers
        on named.hidden_customer_id = erased_customers.customer_id
    -- a rejected response is one row, however many score questions it answered
    where named.rejection_rule is null or coalesce(named.score_rank, 1) = 1
)

select * from final
