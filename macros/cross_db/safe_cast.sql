{#- dbt's default safe_cast is a plain cast on DuckDB, which raises on a bad value; try_cast
    returns null instead, so staging can send the row to audit. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
