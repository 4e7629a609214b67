{#- A hook's delete of the rows of a table that meet a condition (a set block, so that it may hold
    refs: `{% set condition %}month_start is null{% endset %}{{ delete_where(this, condition) }}`).
    On DuckDB a delete statement;
    on Spark, whose Parquet tables have no row-level delete, a rewrite of the table without those
    rows (macro spark_rewrite_table), skipped when no row meets the condition, and the hook
    renders nothing (dbt runs no empty hook). A row is deleted where the condition is true, not
    where it is null, as a delete does. -#}
{% macro delete_where(relation, condition) -%}
    {{ return(adapter.dispatch('delete_where')(relation, condition)) }}
{%- endmacro %}

{% macro default__delete_where(relation, condition) -%}
    delete from {{ relation }} where {{ condition }}
{%- endmacro %}

{% macro spark__delete_where(relation, condition) -%}
    {%- if execute -%}
        {%- set deleted = run_query(
            'select count(*) from ' ~ relation ~ ' where ' ~ condition).columns[0].values()[0] -%}
        {%- if deleted > 0 -%}
            {%- do spark_rewrite_table(
                relation, 'select * from ' ~ relation ~ ' where not coalesce((' ~ condition ~ '), false)') -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
