{{ config(enabled=adapter_in_use('delighted'), materialized='table') }}

-- Every raw Delighted survey response, resolved once: its contract feedback row when the adapter
-- carries it (rejection_rule null), else the rule it breaks. stg_delighted__feedback and
-- stg_delighted__rejected_rows split it.
{% set rules = [
    ('missing_response_id', 'id', 'response_id is null'),
    ('duplicate_key_superseded', 'id', 'version_rank > 1'),
    ('survey_type_not_mapped', 'survey_type',
        'mapped_survey_type is not null and mapped_survey_type not in '
        ~ sql_value_list(raw_contract_allowed_values('feedback', 'survey_type'))),
    ('missing_customer_identity', 'person_properties',
        'property_customer_id is null and respondent_email is null'),
    ('unknown_customer_email', 'person',
        'property_customer_id is null and matched_customer_id is null'),
] %}

with

survey_responses as (
    select * from {{ source('delighted', 'survey_responses') }}
),

people as (
    -- a full-refresh sync may land a person twice
    select
        {{ clean_text('id') }} as person_id,
        min({{ clean_text('email') }}) as email
    from {{ source('delighted', 'people') }}
    group by {{ clean_text('id') }}
),

customer_email_keys as (
    -- one customer per e-mail key (tested unique there)
    select * from {{ ref('base_shop__customer_email_keys') }}
),

parsed as (
    select
        survey_responses.*,
        {{ clean_text('survey_responses.id') }} as response_id,
        -- person is an id, or (exported with expand[]=person) the person object
        case
            when left({{ clean_text('survey_responses.person') }}, 1) = '{'
                then {{ clean_text(json_extract_text('survey_responses.person', '$.id')) }}
            else {{ clean_text('survey_responses.person') }}
        end as person_id,
        case
            when left({{ clean_text('survey_responses.person') }}, 1) = '{'
                then {{ clean_text(json_extract_text('survey_responses.person', '$.email')) }}
        end as expanded_email,
        {{ clean_text(
            "coalesce(" ~ json_extract_text('survey_responses.person_properties', '$.customer_id')
            ~ ", " ~ json_extract_text('survey_responses.person_properties', '$."Customer ID"') ~ ")"
        ) }} as property_customer_id,
        {{ clean_text(
            "coalesce(" ~ json_extract_text('survey_responses.person_properties', '$.order_id')
            ~ ", " ~ json_extract_text('survey_responses.person_properties', '$."Order ID"') ~ ")"
        ) }} as property_order_id,
        {{ clean_code(
            "coalesce(" ~ json_extract_text('survey_responses.person_properties', '$.channel')
            ~ ", " ~ json_extract_text('survey_responses.person_properties', '$."Delighted Source"') ~ ")"
        ) }} as source_channel,
        left({{ clean_code(
            "coalesce(" ~ json_extract_text('survey_responses.person_properties', '$.language')
            ~ ", " ~ json_extract_text('survey_responses.person_properties', '$.locale') ~ ")"
        ) }}, 2) as language,
        {{ clean_code('survey_responses.survey_type') }} as source_survey_type,
        -- created_at in epoch seconds (the API), or an ISO 8601 text (a spreadsheet export)
        case
            when {{ regexp_contains(clean_text('survey_responses.created_at'), '^[0-9]+$') }}
                then strftime(
                    make_timestamp(cast({{ clean_text('survey_responses.created_at') }} as bigint) * 1000000),
                    '%Y-%m-%dT%H:%M:%SZ'
                )
            else {{ clean_text('survey_responses.created_at') }}
        end as submitted_ts,
        -- a response changed later (a note or tag added) is exported again: the latest wins
        row_number() over (
            partition by {{ clean_text('survey_responses.id') }}
            order by
                try_cast({{ clean_text('survey_responses.updated_at') }} as bigint) desc nulls last,
                cast(survey_responses.person_properties as {{ dbt.type_string() }}) nulls last
        ) as version_rank
    from survey_responses
),

mapped as (
    select
        parsed.*,
        {{ canonical_value('survey_type_mapping', 'parsed.source_survey_type') }} as mapped_survey_type,
        {{ canonical_value('channel_mapping', 'parsed.source_channel') }} as mapped_channel,
        coalesce(parsed.expanded_email, people.email) as respondent_email
    from parsed
    {{ join_value_mapping('feedback_survey_type', 'parsed.source_survey_type', 'survey_type_mapping') }}
    {{ join_value_mapping('feedback_channel', 'parsed.source_channel', 'channel_mapping') }}
    left join people on parsed.person_id = people.person_id
),

matched as (
    select
        mapped.*,
        customer_email_keys.customer_id as matched_customer_id
    from mapped
    left join customer_email_keys
        on
            mapped.respondent_email is not null
            and {{ email_key('mapped.respondent_email') }} = customer_email_keys.email_key
),

-- each response with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per response (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('matched', rules) }}
),

-- an erased customer's raw id (a person property) only as its token: this table is stored
tokenised as (
    select
        named.*,
        {{ pseudonymous_customer_id(
            'named.property_customer_id', 'erased_customers.customer_id is not null'
        ) }} as property_customer_token
    from named
    left join {{ ref('base_shop__erased_customers') }} as erased_customers
        on named.property_customer_id = erased_customers.customer_id
),

final as (
    select
        -- the contract's feedback columns, as text (base_shop__feedback parses them)
        response_id as feedback_id,
        coalesce(property_customer_token, matched_customer_id) as customer_id,
        property_order_id as order_id,
        submitted_ts,
        mapped_survey_type as survey_type,
        score,
        comment,
        mapped_channel as channel,
        language,

        -- the vendor row
        response_id,
        rejection_rule,
        rejected_column,
        case
            when rejection_rule is not null
                then {{ to_json_object([
                    ('id', 'id'),
                    ('person', "case when left(" ~ clean_text('person') ~ ", 1) = '{' then '[redacted]' else person end"),
                    ('respondent_email', "case when respondent_email is not null then '[redacted]' end"),
                    ('survey_type', 'source_survey_type'),
                    ('score', 'score'),
                    ('created_at', 'created_at'),
                    ('updated_at', 'updated_at'),
                    ('customer_id', 'property_customer_token'),
                    ('order_id', 'property_order_id'),
                    ('delighted_source', 'source_channel'),
                    ('locale', json_extract_text('person_properties', '$.locale')),
                ]) }}
        end as raw_record
    from tokenised
)

select * from final
