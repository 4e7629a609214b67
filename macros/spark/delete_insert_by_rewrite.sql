{#- The delete+insert incremental strategy on Spark's Parquet tables, which have no row-level
    delete (DECISIONS.md, "Issue 22: incremental models on Spark"). dbt-spark accepts only append,
    merge (Delta, Iceberg, Hudi) and insert_overwrite; these overrides let delete+insert through
    and run it as one rewrite of the table: the stored rows whose unique_key no new row has (the
    rows DuckDB's delete keeps: a null key matches nothing), union all the new rows, written to a
    new table that replaces the old one. The model's query runs once, over the new rows only;
    every other strategy is dbt-spark's. -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy == 'delete+insert' -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt_spark.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{%- endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy != 'delete+insert' -%}
        {{ return(dbt_spark.dbt_spark_get_incremental_sql(
            strategy, source, target, existing, unique_key, incremental_predicates)) }}
    {%- endif -%}
    {%- if not unique_key or incremental_predicates -%}
        {%- do exceptions.raise_compiler_error(
            'delete+insert on Spark needs a unique_key and takes no incremental_predicates: ' ~ target) -%}
    {%- endif -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set columns = get_quoted_csv(adapter.get_columns_in_relation(existing) | map(attribute='name')) -%}
    {#- the new rows written once: the model's query reads the stored table, which is replaced -#}
    {%- set new_rows = target.incorporate(path={'identifier': target.identifier ~ '__dbt_new_rows'}) -%}
    {%- do run_query('drop table if exists ' ~ new_rows) -%}
    {%- do run_query(create_table_as(false, new_rows, 'select ' ~ columns ~ ' from ' ~ source)) -%}
    {%- set kept_and_new -%}
        select {{ columns }}
        from (
            select
                *,
                {%- for key in keys %}
                ({{ key }}) as dbt_replaced_key_{{ loop.index }}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ target }}
        ) as stored
        left anti join (
            select distinct
                {%- for key in keys %}
                ({{ key }}) as dbt_replaced_key_{{ loop.index }}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ new_rows }}
        ) as replaced
            on
            {%- for key in keys %}
                {{ 'and ' if not loop.first }}stored.dbt_replaced_key_{{ loop.index }} = replaced.dbt_replaced_key_{{ loop.index }}
            {%- endfor %}
        union all
        select {{ columns }}
        from {{ new_rows }}
    {%- endset -%}
    {%- do spark_rewrite_table(target, kept_and_new) -%}
    drop table if exists {{ new_rows }}
{%- endmacro %}

{#- Replace the rows of a Parquet table with those of a query (which may read the table): the
    query is written to a new table, the old table dropped and the new one renamed to its name.
    Between the drop and the rename the table does not exist; a failure before the drop leaves
    the old table as it was. -#}
{% macro spark_rewrite_table(relation, sql) -%}
    {%- set rewritten = relation.incorporate(path={'identifier': relation.identifier ~ '__dbt_rewrite'}) -%}
    {%- do run_query('drop table if exists ' ~ rewritten) -%}
    {%- do run_query(create_table_as(false, rewritten, sql)) -%}
    {%- do run_query('drop table ' ~ relation) -%}
    {%- do run_query('alter table ' ~ rewritten ~ ' rename to ' ~ relation) -%}
{%- endmacro %}
