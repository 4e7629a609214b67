{%- set rules = [
    ('missing_primary_key', 'spend_date', is_blank('raw__spend_date')),
    ('missing_primary_key', 'country_code', 'country_code is null'),
    ('missing_primary_key', 'channel', 'channel is null'),
    ('unparseable_timestamp', 'spend_date', 'spend_date is null'),
    ('timestamp_before_lower_bound', 'spend_date', is_before_lower_bound('spend_date', 'marketing_spend')),
    ('duplicate_key_superseded', 'spend_date', 'version_rank > 1'),
    ('missing_required_value', 'currency', 'currency is null'),
    ('missing_required_value', 'amount', is_blank('raw__amount')),
    ('non_numeric_value', 'amount', did_not_parse('raw__amount', 'amount_local')),
    ('negative_amount', 'amount', 'amount_local < 0'),
    ('unknown_country_code', 'country_code', 'not is_known_country'),
    ('unknown_enum_value', 'channel', 'not is_known_channel'),
    ('unknown_currency', 'currency', 'not is_known_currency'),
] -%}

with

source as (
    select * from {{ contract_source('marketing_spend') }}
),

countries as (
    select country_code from {{ ref('countries') }}
),

marketing_channels as (
    select channel from {{ ref('channel_mapping') }}
    where channel_context = 'marketing'
),

fx_rates as (
    select * from {{ ref('stg_reference__fx_rates') }}
),

parsed as (
    select
        {{ raw_columns_prefixed('marketing_spend') }},
        cast({{ parse_timestamp_utc('source.spend_date') }} as date) as spend_date,
        {{ clean_country_code('source.country_code') }} as country_code,
        {{ clean_code('source.channel') }} as channel,
        upper({{ clean_text('source.currency') }}) as currency,
        {{ dbt.safe_cast(clean_text('source.amount'), 'decimal(18, 2)') }} as amount_local
    from source
),

checked as (
    select
        parsed.*,
        countries.country_code is not null as is_known_country,
        marketing_channels.channel is not null as is_known_channel,
        row_number() over (
            partition by parsed.spend_date, parsed.country_code, parsed.channel
            order by {{ version_order('marketing_spend', none) }}
        ) as version_rank
    from parsed
    left join countries on parsed.country_code = countries.country_code
    left join marketing_channels on parsed.channel = marketing_channels.channel
),

converted as (
    {{ with_fx_rate_of_month('checked', 'checked.spend_date') }}
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('converted', rules) }}
),

final as (
    select
        spend_date,
        country_code,
        channel,
        currency,
        amount_local,
        {{ to_usd('amount_local', 'usd_per_unit') }} as amount_usd,
        is_fx_rate_estimated,
        rejection_rule,
        rejected_column,
        case
            when spend_date is not null and country_code is not null and channel is not null
                then {{ dbt.concat([
                    "cast(spend_date as " ~ dbt.type_string() ~ ")", "'|'", "country_code", "'|'", "channel"
                ]) }}
        end as record_key,
        case when rejection_rule is not null then {{ raw_record_json('marketing_spend') }} end as raw_record
    from named
)

select * from final
