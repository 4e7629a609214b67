{#- dbt's default safe_cast is a plain cast on DuckDB and on Spark, which raises on a bad value
    (Spark 4 runs in ANSI mode); try_cast returns null instead, so staging can send the row to
    audit. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
