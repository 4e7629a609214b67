-- What staging held back, per raw table and rule, with the share of the table's raw rows: the
-- first query to run on a new export. Compile with `dbt compile` and run the SQL from
-- target/compiled, or paste it into a DuckDB session on the warehouse file.
with

rejected as (
    select * from {{ ref('audit_rejected_rows') }}
),

reconciliation as (
    select * from {{ ref('audit_source_reconciliation') }}
),

per_rule as (
    select
        source_table,
        rejection_category,
        rejection_rule,
        rejected_column,
        count(*) as rejected_rows
    from rejected
    group by source_table, rejection_category, rejection_rule, rejected_column
),

final as (
    select
        per_rule.source_table,
        per_rule.rejection_category,
        per_rule.rejection_rule,
        per_rule.rejected_column,
        per_rule.rejected_rows,
        reconciliation.raw_rows,
        cast(per_rule.rejected_rows as double) / reconciliation.raw_rows as share_of_raw_rows
    from per_rule
    inner join reconciliation on per_rule.source_table = reconciliation.source_table
)

select * from final
order by source_table asc, rejected_rows desc
