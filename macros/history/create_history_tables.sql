{#- on-run-start: the schema `history` and its tables (history_tables), when absent; never
    dropped or replaced. DuckDB only: on Spark the warehouse is the engine comparison's twin,
    rebuilt from nothing by make test-spark, and keeps no history (DECISIONS.md). -#}
{% macro create_history_tables() -%}
    {{ return(adapter.dispatch('create_history_tables', 'latam_engagement')()) }}
{%- endmacro %}

{% macro default__create_history_tables() -%}
    select 1
{%- endmacro %}

{% macro duckdb__create_history_tables() -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'seed', 'snapshot') -%}
        {%- do run_query('create schema if not exists ' ~ history_schema()) -%}
        {%- for table, columns in history_tables().items() -%}
            {%- set column_list = [] -%}
            {%- for name, data_type in columns -%}
                {%- do column_list.append(name ~ ' ' ~ data_type) -%}
            {%- endfor -%}
            {%- do run_query('create table if not exists ' ~ history_schema() ~ '.' ~ table
                             ~ ' (' ~ column_list | join(', ') ~ ')') -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- The schema of the history tables: `history`, the same for every target (a dev and a prod
    target in one file each keep their runs there, told apart by dbt_runs.target_name). -#}
{% macro history_schema() -%}
    {{ return('history') }}
{%- endmacro %}
