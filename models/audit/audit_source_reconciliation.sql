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
        from {{ source('shop', raw_table) }}
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
            as rejected_rate
    from raw_counts
    inner join clean_counts on raw_counts.source_table = clean_counts.source_table
    left join audit_counts on raw_counts.source_table = audit_counts.source_table
)

select * from final
