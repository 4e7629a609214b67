{%- set rules = [
    ('missing_primary_key', 'month', is_blank('raw__month')),
    ('missing_primary_key', 'currency', 'currency is null'),
    ('unparseable_timestamp', 'month', 'rate_month is null'),
    ('timestamp_before_lower_bound', 'month', is_before_lower_bound('rate_month', 'fx_rates')),
    ('duplicate_key_superseded', 'month', 'version_rank > 1'),
    ('missing_required_value', 'units_per_usd', is_blank('raw__units_per_usd')),
    ('non_numeric_value', 'units_per_usd', did_not_parse('raw__units_per_usd', 'units_per_usd')),
    ('non_positive_rate', 'units_per_usd', 'units_per_usd <= 0'),
    ('unknown_currency', 'currency', 'not ' ~ regexp_contains('currency', '^[A-Z]{3}$')),
] -%}

with

source as (
    select * from {{ contract_source('fx_rates') }}
),

parsed as (
    select
        {{ raw_columns_prefixed('fx_rates') }},
        cast({{ dbt.date_trunc('month', parse_timestamp_utc('source.month')) }} as date) as rate_month,
        upper({{ clean_text('source.currency') }}) as currency,
        {{ dbt.safe_cast(clean_text('source.units_per_usd'), 'decimal(18, 6)') }} as units_per_usd
    from source
),

checked as (
    select
        *,
        row_number() over (
            partition by rate_month, currency
            order by {{ version_order('fx_rates', none) }}
        ) as version_rank
    from parsed
),

-- each row with the name and column of its first broken rule (null when clean), every rule
-- evaluated once per row (macro with_first_broken_rule)
named as (
    {{ with_first_broken_rule('checked', rules) }}
),

final as (
    select
        rate_month,
        currency,
        units_per_usd,
        rejection_rule,
        rejected_column,
        case
            when rate_month is not null and currency is not null
                then {{ dbt.concat(["cast(rate_month as " ~ dbt.type_string() ~ ")", "'|'", "currency"]) }}
        end as record_key,
        case when rejection_rule is not null then {{ raw_record_json('fx_rates') }} end as raw_record
    from named
)

select * from final
