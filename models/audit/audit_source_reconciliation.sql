-- Per raw table: raw rows = clean rows + rejected rows + collapsed duplicates. The raw side is
-- counted from the files themselves (the one model outside staging that reads sources, on
-- purpose: it checks staging), the clean side from the staging views.
{%- set raw_tables = shop_raw_tables() %}

with

raw_counts as (
    {% for raw_table in raw_tables -%}
        select
            '{{ raw_table }}' as source_table,
            count(*) as raw_rows
        from {{ contract_source(raw_table) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

clean_counts as (
    {% for raw_table in raw_tables -%}
        select
            '{{ raw_table }}' as source_table,
            count(*) as clean_rows
        from {{ ref('stg_shop__' ~ raw_table) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

audit_counts as (
    select
        source_table,
        sum(case when rejection_category = 'rejected' then 1 else 0 end) as rejected_rows,
        sum(case when rejection_category = 'collapsed_duplicate' then 1 else 0 end) as duplicate_rows
    from {{ ref('audit_rejected_rows') }}
    group by source_table
),

-- the rule that rejected most rows of each table (ties: the first in name order), with its column
-- and one value it rejected, for the message of a source that falls below its clean share floor
rule_counts as (
    select
        source_table,
        rejection_rule,
        rejected_column,
        count(*) as rule_rows,
        min(rejected_value) as example_rejected_value
    from {{ ref('audit_rejected_rows') }}
    where rejection_category = 'rejected'
    group by source_table, rejection_rule, rejected_column
),

main_rules as (
    select
        source_table,
        rejection_rule,
        rejected_column,
        example_rejected_value,
        row_number() over (
            partition by source_table
            order by rule_rows desc, rejection_rule asc, rejected_column asc
        ) as rule_rank
    from rule_counts
),

floors as (
    {% for raw_table in raw_tables -%}
        select
            '{{ raw_table }}' as source_table,
            cast({{ source_clean_share_floor(raw_table) }} as double) as clean_share_floor
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        raw_counts.source_table,
        raw_counts.raw_rows,
        clean_counts.clean_rows,
        coalesce(audit_counts.rejected_rows, 0) as rejected_rows,
        coalesce(audit_counts.duplicate_rows, 0) as duplicate_rows,
        raw_counts.raw_rows - clean_counts.clean_rows - coalesce(audit_counts.rejected_rows, 0)
        - coalesce(audit_counts.duplicate_rows, 0) as unaccounted_rows,
        cast(coalesce(audit_counts.rejected_rows, 0) as double) / nullif(raw_counts.raw_rows, 0)
            as rejected_rate,
        -- clean rows among the records (raw rows less collapsed duplicates); null when empty
        cast(clean_counts.clean_rows as double)
        / nullif(raw_counts.raw_rows - coalesce(audit_counts.duplicate_rows, 0), 0) as clean_share,
        floors.clean_share_floor,
        main_rules.rejection_rule as main_rejection_rule,
        main_rules.rejected_column as main_rejected_column,
        main_rules.example_rejected_value
    from raw_counts
    inner join clean_counts on raw_counts.source_table = clean_counts.source_table
    inner join floors on raw_counts.source_table = floors.source_table
    left join audit_counts on raw_counts.source_table = audit_counts.source_table
    left join main_rules
        on
            raw_counts.source_table = main_rules.source_table
            and main_rules.rule_rank = 1
)

select * from final
