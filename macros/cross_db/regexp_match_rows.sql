{#- Every match of a regular expression in a text, one row per match: for the select list of a
    query (a text without a match gives no row). -#}
{% macro regexp_match_rows(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_match_rows', 'latam_engagement')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_match_rows(expression, pattern) -%}
    unnest(regexp_extract_all({{ expression }}, '{{ pattern }}'))
{%- endmacro %}

{% macro spark__regexp_match_rows(expression, pattern) -%}
    explode(regexp_extract_all({{ expression }}, '{{ spark_regex_literal(pattern) }}', 0))
{%- endmacro %}
