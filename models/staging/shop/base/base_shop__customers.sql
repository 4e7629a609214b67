{%- set rules = [
    ('missing_primary_key', 'customer_id', 'customer_id is null'),
    ('duplicate_key_superseded', 'customer_id', 'version_rank > 1'),
    ('missing_required_value', 'country_code', 'country_code is null'),
    ('missing_required_value', 'acquisition_channel', 'acquisition_channel is null'),
    ('missing_required_value', 'updated_at', is_blank('raw__updated_at')),
    ('unparseable_timestamp', 'signup_ts', did_not_parse('raw__signup_ts', 'signup_ts')),
    ('unparseable_timestamp', 'loyalty_joined_ts', did_not_parse('raw__loyalty_joined_ts', 'loyalty_joined_ts')),
    ('unparseable_timestamp', 'updated_at', did_not_parse('raw__updated_at', 'updated_at')),
    ('invalid_boolean', 'marketing_opt_in', did_not_parse('raw__marketing_opt_in', 'marketing_opt_in')),
    ('future_timestamp', 'signup_ts', 'signup_ts > ' ~ now_utc()),
    ('timestamp_before_lower_bound', 'signup_ts', is_before_lower_bound('signup_ts', 'customers')),
    ('timestamp_before_lower_bound', 'loyalty_joined_ts', is_before_lower_bound('loyalty_joined_ts', 'customers')),
    ('timestamp_before_lower_bound', 'updated_at', is_before_lower_bound('updated_at', 'customers')),
    ('unknown_country_code', 'country_code', 'not is_known_country'),
    ('unknown_enum_value', 'acquisition_channel', 'not is_known_acquisition_channel'),
] -%}

with

source as (
    select * from {{ contract_source('customers') }}
),

erased_customers as (
    select customer_id from {{ ref('base_shop__erased_customers') }}
),

countries as (
    select country_code from {{ ref('countries') }}
),

acquisition_channels as (
    select channel from {{ ref('channel_mapping') }}
    where channel_context = 'acquisition'
),

parsed as (
    select
        {{ raw_columns_prefixed('customers') }},
        erased_customers.customer_id is not null as is_erased,

        -- ids
        {{ pseudonymous_customer_id(clean_text('source.customer_id'), 'erased_customers.customer_id is not null') }}
            as customer_id,
        {{ pseudonymous_customer_id(
            clean_text('source.referred_by_customer_id'), 'erased_referrers.customer_id is not null'
        ) }} as referred_by_customer_id,

        -- personal data: clear only here, and never for an erased customer
        case when erased_customers.customer_id is null then {{ normalize_email('source.email') }} end as email,
        case when erased_customers.customer_id is null then {{ normalize_phone('source.phone') }} end as phone,
        case when erased_customers.customer_id is null then {{ clean_text('source.full_name') }} end as full_name,

        -- geography
        {{ clean_country_code('source.country_code') }} as country_code,
        {{ clean_text('source.state_region') }} as state_region,
        case when erased_customers.customer_id is null then {{ clean_text('source.city') }} end as city,

        -- attributes
        {{ clean_code('source.acquisition_channel') }} as acquisition_channel,
        {{ parse_boolean('source.marketing_opt_in') }} as marketing_opt_in,

        -- timestamps
        {{ parse_timestamp_utc('source.signup_ts') }} as signup_ts,
        {{ parse_timestamp_utc('source.loyalty_joined_ts') }} as loyalty_joined_ts,
        {{ parse_timestamp_utc('source.updated_at') }} as updated_at
    from source
    left join erased_customers
        on {{ clean_text('source.customer_id') }} = erased_customers.customer_id
    left join erased_customers as erased_referrers
        on {{ clean_text('source.referred_by_customer_id') }} = erased_referrers.customer_id
),

checked as (
    select
        parsed.*,
        countries.country_code is not null as is_known_country,
        acquisition_channels.channel is not null as is_known_acquisition_channel,
        row_number() over (
            partition by parsed.customer_id
            order by {{ version_order('customers', 'parsed.updated_at') }}
        ) as version_rank
    from parsed
    left join countries on parsed.country_code = countries.country_code
    left join acquisition_channels on parsed.acquisition_channel = acquisition_channels.channel
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        customer_id,
        referred_by_customer_id,
        email,
        phone,
        full_name,
        {{ hash_personal_data('email') }} as email_hash,
        {{ hash_personal_data('phone') }} as phone_hash,
        country_code,
        state_region,
        city,
        acquisition_channel,
        -- no recorded consent is no consent
        coalesce(marketing_opt_in, false) as marketing_opt_in,
        signup_ts,
        loyalty_joined_ts,
        updated_at,
        is_erased,
        rejection_rule,
        rejected_column,
        customer_id as record_key,
        case
            when rejection_rule is not null
                then {{ raw_record_json('customers', {
                    'customer_id': 'customer_id',
                    'referred_by_customer_id': 'referred_by_customer_id',
                }) }}
        end as raw_record
    from named
)

select * from final
