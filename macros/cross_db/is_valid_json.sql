{#- True when the text parses as a JSON document. -#}
{% macro is_valid_json(expression) -%}
    {{ return(adapter.dispatch('is_valid_json', 'latam_engagement')(expression)) }}
{%- endmacro %}

{% macro default__is_valid_json(expression) -%}
    (get_json_object({{ expression }}, '$') is not null)
{%- endmacro %}

{% macro duckdb__is_valid_json(expression) -%}
    coalesce(json_valid({{ expression }}), false)
{%- endmacro %}
