{#- Post-hook of the incremental dbt Python models (the fits on the refit schedule). dbt-duckdb
    1.11.1 writes an incremental Python model's new rows into a table <model>__dbt_tmp<timestamp>
    of schema main and, as it counts that table as temporary, never drops it: every incremental
    run would leave one behind. This drops the model's leftovers; SQL models are unaffected. -#}
{% macro drop_python_incremental_temp_tables() -%}
    {%- if execute and is_incremental() -%}
        {%- set leftovers = run_query(
            "select schema_name, table_name from duckdb_tables() where database_name = current_database()"
            ~ " and schema_name = 'main' and starts_with(table_name, '" ~ this.identifier ~ "__dbt_tmp')"
        ) -%}
        {%- for row in leftovers.rows -%}
            {%- do run_query('drop table if exists "' ~ row[0] ~ '"."' ~ row[1] ~ '"') -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
