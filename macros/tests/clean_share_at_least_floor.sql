{#- The clean share floor of a raw table: source_clean_share_floor_by_source[table], else
    source_clean_share_floor. -#}
{% macro source_clean_share_floor(source_table) -%}
    {{ return(var('source_clean_share_floor_by_source').get(source_table, var('source_clean_share_floor'))) }}
{%- endmacro %}

{#- Model-level test of audit_source_reconciliation: fails on every source whose clean share is
    below its floor (an empty source, whose share is null, passes). A dbt test names only itself
    when it fails, so when it runs (build, test) it also stops with one message per source
    naming the rule that rejected most rows, its column and a rejected value. -#}
{% test clean_share_at_least_floor(model) -%}
    {%- set failing -%}
        select
            source_table,
            raw_rows,
            duplicate_rows,
            clean_rows,
            clean_share,
            clean_share_floor,
            main_rejection_rule,
            main_rejected_column,
            example_rejected_value
        from {{ model }}
        where clean_share < clean_share_floor
    {%- endset -%}
    {%- if execute and flags.WHICH in ('build', 'test') -%}
        {%- set found = run_query(failing ~ "\norder by source_table") -%}
        {%- if found.rows | length > 0 -%}
            {%- set lines = [] -%}
            {%- for row in found.rows -%}
                {%- set records = row['raw_rows'] - row['duplicate_rows'] -%}
                {%- do lines.append("source " ~ row['source_table'] ~ ": " ~ row['clean_rows'] ~ " of " ~ records
                    ~ " rows clean (" ~ (100 * row['clean_share']) | round(1) ~ "%, floor "
                    ~ (100 * row['clean_share_floor']) | round(1) ~ "%); most were rejected by rule "
                    ~ row['main_rejection_rule'] ~ " on column " ~ row['main_rejected_column']
                    ~ ", e.g. value " ~ ("'" ~ row['example_rejected_value'] ~ "'" if row['example_rejected_value'] is not none else "null")) -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(
                "Most rows of a source were rejected, so the build fails (test clean_share_at_least_floor of "
                ~ model.identifier ~ "):\n  - " ~ lines | join("\n  - ")
                ~ "\nThe rejected rows, each with its rule and value, are in audit_rejected_rows. Fix the export "
                ~ "(docs/raw_contract.md), or, if this share is expected, lower the floor for the source with "
                ~ "--vars '{source_clean_share_floor_by_source: {" ~ found.rows[0]['source_table'] ~ ": 0.2}}' "
                ~ "(default source_clean_share_floor = " ~ var('source_clean_share_floor') ~ ").") }}
        {%- endif -%}
    {%- endif -%}
    {{ failing }}
{%- endtest %}
