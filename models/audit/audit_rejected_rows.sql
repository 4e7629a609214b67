-- Every raw row that staging did not pass on, with the rule it broke and its raw record
-- (personal data redacted). Superseded versions of a key (an older update, a re-delivered
-- event) are here too, as collapsed duplicates, so that nothing is lost without a trace.
{%- set raw_tables = shop_raw_tables() %}

with

unioned as (
    {% for raw_table in raw_tables -%}
        select
            '{{ raw_table }}' as source_table,
            record_key,
            rejection_rule,
            rejected_column,
            raw_record
        from {{ ref('base_shop__' ~ raw_table) }}
        where rejection_rule is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
    {%- for system in adapter_systems_in_use() %}
        union all
        -- vendor rows the {{ system }} adapter did not carry into a contract row
        select
            source_table,
            record_key,
            rejection_rule,
            rejected_column,
            raw_record
        from {{ ref('stg_' ~ system ~ '__rejected_rows') }}
    {%- endfor %}
),

numbered as (
    select
        *,
        -- identical raw rows (a re-delivered copy) are told apart by their occurrence
        row_number() over (partition by source_table, raw_record order by rejection_rule) as occurrence
    from unioned
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'source_table', "'|'", 'cast(occurrence as ' ~ dbt.type_string() ~ ')', "'|'", 'raw_record'
        ])) }} as rejected_row_id,
        source_table,
        record_key,
        rejection_rule,
        rejected_column,
        -- the raw value that broke the rule (personal data stays redacted, as in raw_record)
        {{ json_extract_text_at('raw_record', "'$.' || rejected_column") }} as rejected_value,
        case
            when rejection_rule = 'duplicate_key_superseded' then 'collapsed_duplicate'
            -- a vendor row an adapter's mapping seed deliberately leaves out (e.g. GA4's session_start)
            when {{ dbt.right('rejection_rule', 11) }} = '_not_mapped' then 'not_mapped'
            else 'rejected'
        end as rejection_category,
        raw_record
    from numbered
)

select * from final
