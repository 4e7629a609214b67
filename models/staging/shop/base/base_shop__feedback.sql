{%- set rules = [
    ('missing_primary_key', 'feedback_id', 'feedback_id is null'),
    ('duplicate_key_superseded', 'feedback_id', 'version_rank > 1'),
    ('missing_required_value', 'customer_id', 'customer_id is null'),
    ('missing_required_value', 'submitted_ts', is_blank('raw__submitted_ts')),
    ('missing_required_value', 'survey_type', 'survey_type is null'),
    ('missing_required_value', 'score', is_blank('raw__score')),
    ('missing_required_value', 'channel', 'channel is null'),
    ('missing_required_value', 'language', 'language is null'),
    ('unparseable_timestamp', 'submitted_ts', did_not_parse('raw__submitted_ts', 'submitted_ts')),
    ('future_timestamp', 'submitted_ts', 'submitted_ts > ' ~ now_utc()),
    ('timestamp_before_lower_bound', 'submitted_ts', is_before_lower_bound('submitted_ts', 'feedback')),
    ('non_integer_value', 'score', is_non_integer_number('raw__score')),
    ('non_numeric_value', 'score', did_not_parse('raw__score', 'score')),
    ('unknown_enum_value', 'survey_type',
        'survey_type not in ' ~ sql_value_list(raw_contract_allowed_values('feedback', 'survey_type'))),
    ('unknown_enum_value', 'channel', 'not is_known_channel'),
    ('unknown_enum_value', 'language',
        'language not in ' ~ sql_value_list(raw_contract_allowed_values('feedback', 'language'))),
    ('score_out_of_range', 'score',
        "(survey_type = 'nps' and (score < 0 or score > 10)) or (survey_type <> 'nps' and (score < 1 or score > 5))"),
    ('unknown_customer', 'customer_id', 'not is_known_customer'),
    ('unknown_order', 'order_id', 'order_id is not null and not is_known_order'),
] -%}

with

source as (
    select * from {{ contract_source('feedback') }}
),

erased_customers as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

customers as (
    select customer_id from {{ ref('base_shop__customers') }}
    where rejection_rule is null
),

orders as (
    select order_id from {{ ref('base_shop__orders') }}
    where rejection_rule is null
),

feedback_channels as (
    select channel from {{ ref('channel_mapping') }}
    where channel_context = 'feedback'
),

parsed as (
    select
        {{ raw_columns_prefixed('feedback') }},
        erased_customers.customer_id is not null as is_erased_customer,

        -- ids
        {{ clean_text('source.feedback_id') }} as feedback_id,
        {{ pseudonymous_customer_id(clean_text('source.customer_id'), 'erased_customers.customer_id is not null') }}
            as customer_id,
        {{ clean_text('source.order_id') }} as order_id,

        -- the answer; free text loses e-mail addresses and phone numbers, and all of it for an
        -- erased customer
        {{ clean_code('source.survey_type') }} as survey_type,
        {{ parse_integer('source.score') }} as score,
        case
            when erased_customers.customer_id is null
                then {{ mask_contact_details(clean_text('source.comment')) }}
        end as comment,
        {{ clean_code('source.channel') }} as channel,
        {{ clean_code('source.language') }} as language,

        -- timestamps
        {{ parse_timestamp_utc('source.submitted_ts') }} as submitted_ts
    from source
    left join erased_customers
        on {{ clean_text('source.customer_id') }} = erased_customers.customer_id
),

checked as (
    select
        parsed.*,
        feedback_channels.channel is not null as is_known_channel,
        customers.customer_id is not null as is_known_customer,
        orders.order_id is not null as is_known_order,
        row_number() over (
            partition by parsed.feedback_id
            order by {{ version_order('feedback', none) }}
        ) as version_rank
    from parsed
    left join feedback_channels on parsed.channel = feedback_channels.channel
    left join customers on parsed.customer_id = customers.customer_id
    left join orders on parsed.order_id = orders.order_id
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        feedback_id,
        customer_id,
        order_id,
        survey_type,
        score,
        comment,
        channel,
        language,
        submitted_ts,
        rejection_rule,
        rejected_column,
        feedback_id as record_key,
        case
            when rejection_rule is not null
                then {{ raw_record_json('feedback', {
                    'customer_id': 'customer_id',
                    'comment': 'case when is_erased_customer then null else comment end',
                }) }}
        end as raw_record
    from named
)

select * from final
