{#- The value at a JSON path ('$.points') of a JSON text, as text; null when absent. -#}
{% macro json_extract_text(json_text, path) -%}
    {{ return(adapter.dispatch('json_extract_text', 'latam_engagement')(json_text, path)) }}
{%- endmacro %}

{% macro default__json_extract_text(json_text, path) -%}
    get_json_object({{ json_text }}, '{{ path }}')
{%- endmacro %}

{% macro duckdb__json_extract_text(json_text, path) -%}
    json_extract_string({{ json_text }}, '{{ path }}')
{%- endmacro %}

{#- The same, with the path a SQL expression (for example '$.' || a column), not a literal. -#}
{% macro json_extract_text_at(json_text, path_expression) -%}
    {{ return(adapter.dispatch('json_extract_text_at', 'latam_engagement')(json_text, path_expression)) }}
{%- endmacro %}

{% macro default__json_extract_text_at(json_text, path_expression) -%}
    get_json_object({{ json_text }}, {{ path_expression }})
{%- endmacro %}

{% macro duckdb__json_extract_text_at(json_text, path_expression) -%}
    json_extract_string({{ json_text }}, {{ path_expression }})
{%- endmacro %}
