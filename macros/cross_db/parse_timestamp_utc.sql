{#- Parses a raw timestamp (text or typed) to a UTC timestamp without time zone, or null when
    it cannot be parsed. Text with an offset ('...+02:00') is converted to UTC: a plain cast
    to timestamp would drop the offset. Needs the session time zone to be UTC (profiles.yml). -#}
{% macro parse_timestamp_utc(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'latam_engagement')(expression)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(expression) -%}
    cast({{ dbt.safe_cast(expression, api.Column.translate_type('timestamp')) }} as timestamp)
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(expression) -%}
    cast(try_cast(cast({{ expression }} as varchar) as timestamptz) as timestamp)
{%- endmacro %}

{#- The raw timestamp formats parse_timestamp_utc understands, in words, for messages. -#}
{% macro timestamp_formats_understood() -%}
    {{ return("ISO 8601 dates and times: YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or YYYY-MM-DDTHH:MM:SS (optional "
        ~ "fractional seconds), optionally followed by Z or an offset such as -03:00 (converted to UTC); "
        ~ "in Parquet, also a timestamp or date column") }}
{%- endmacro %}
