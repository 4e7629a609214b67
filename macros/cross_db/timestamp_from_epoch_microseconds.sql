{#- A timestamp (UTC) from whole microseconds since 1970-01-01, exactly (GA4's event_timestamp).
    DuckDB's make_timestamp takes the microseconds; Spark and BigQuery have timestamp_micros. -#}
{% macro timestamp_from_epoch_microseconds(expression) -%}
    {{ return(adapter.dispatch('timestamp_from_epoch_microseconds', 'latam_engagement')(expression)) }}
{%- endmacro %}

{% macro default__timestamp_from_epoch_microseconds(expression) -%}
    timestamp_micros({{ expression }})
{%- endmacro %}

{% macro duckdb__timestamp_from_epoch_microseconds(expression) -%}
    make_timestamp({{ expression }})
{%- endmacro %}
