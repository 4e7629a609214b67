{#- The start of this dbt invocation as a UTC timestamp literal: the same value in every model of
    one run, so incremental models can tell rows loaded by this run from older ones. -#}
{% macro run_started_at_utc() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
