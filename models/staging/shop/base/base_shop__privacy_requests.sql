{%- set rules = [
    ('missing_primary_key', 'request_id', 'request_id is null'),
    ('duplicate_key_superseded', 'request_id', 'version_rank > 1'),
    ('missing_required_value', 'customer_id', 'customer_id is null'),
    ('missing_required_value', 'request_type', 'request_type is null'),
    ('missing_required_value', 'requested_ts', is_blank('raw__requested_ts')),
    ('unparseable_timestamp', 'requested_ts', did_not_parse('raw__requested_ts', 'requested_ts')),
    ('future_timestamp', 'requested_ts', 'requested_ts > ' ~ now_utc()),
    ('timestamp_before_lower_bound', 'requested_ts', is_before_lower_bound('requested_ts', 'privacy_requests')),
    ('unknown_enum_value', 'request_type',
        'request_type not in ' ~ sql_value_list(raw_contract_allowed_values('privacy_requests', 'request_type'))),
    ('unknown_customer', 'customer_id', 'not is_known_customer'),
] -%}

with

source as (
    select * from {{ contract_source('privacy_requests') }}
),

erased_customers as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

customers as (
    select customer_id from {{ ref('base_shop__customers') }}
    where rejection_rule is null
),

parsed as (
    select
        {{ raw_columns_prefixed('privacy_requests') }},
        {{ clean_text('source.request_id') }} as request_id,
        {{ pseudonymous_customer_id(clean_text('source.customer_id'), 'erased_customers.customer_id is not null') }}
            as customer_id,
        {{ clean_code('source.request_type') }} as request_type,
        {{ parse_timestamp_utc('source.requested_ts') }} as requested_ts
    from source
    left join erased_customers
        on {{ clean_text('source.customer_id') }} = erased_customers.customer_id
),

checked as (
    select
        parsed.*,
        customers.customer_id is not null as is_known_customer,
        row_number() over (
            partition by parsed.request_id
            order by {{ version_order('privacy_requests', none) }}
        ) as version_rank
    from parsed
    left join customers on parsed.customer_id = customers.customer_id
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        request_id,
        customer_id,
        request_type,
        requested_ts,
        rejection_rule,
        rejected_column,
        request_id as record_key,
        case
            when rejection_rule is not null
                then {{ raw_record_json('privacy_requests', {'customer_id': 'customer_id'}) }}
        end as raw_record
    from named
)

select * from final
