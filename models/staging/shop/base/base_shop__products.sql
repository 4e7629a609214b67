{%- set rules = [
    ('missing_primary_key', 'product_id', 'product_id is null'),
    ('duplicate_key_superseded', 'product_id', 'version_rank > 1'),
    ('missing_required_value', 'category', 'category is null'),
    ('non_numeric_value', 'list_price_usd', did_not_parse('raw__list_price_usd', 'list_price_usd')),
    ('negative_amount', 'list_price_usd', 'list_price_usd < 0'),
    ('unparseable_timestamp', 'launched_at', did_not_parse('raw__launched_at', 'launched_at')),
    ('timestamp_before_lower_bound', 'launched_at', is_before_lower_bound('launched_at', 'products')),
] -%}

with

source as (
    select * from {{ contract_source('products') }}
),

parsed as (
    select
        {{ raw_columns_prefixed('products') }},
        {{ clean_text('source.product_id') }} as product_id,
        -- optional in the contract: a marketplace export may have neither (defaults documented
        -- in the sources YAML)
        coalesce({{ clean_text('source.sku') }}, {{ clean_text('source.product_id') }}) as sku,
        coalesce(
            {{ clean_text('source.product_name') }},
            {{ clean_text('source.sku') }},
            {{ clean_text('source.product_id') }}
        ) as product_name,
        {{ clean_code('source.category') }} as category,
        {{ clean_code('source.material') }} as material,
        {{ clean_text('source.collection') }} as collection,
        {{ dbt.safe_cast(clean_text('source.list_price_usd'), 'decimal(18, 2)') }} as list_price_usd,
        {{ parse_timestamp_utc('source.launched_at') }} as launched_at
    from source
),

checked as (
    select
        *,
        row_number() over (
            partition by product_id
            order by {{ version_order('products', none) }}
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
        product_id,
        sku,
        product_name,
        category,
        material,
        collection,
        list_price_usd,
        launched_at,
        rejection_rule,
        rejected_column,
        product_id as record_key,
        case when rejection_rule is not null then {{ raw_record_json('products') }} end as raw_record
    from named
)

select * from final
