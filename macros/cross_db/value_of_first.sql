{#- Aggregate: `value` of the row that comes first in the group when ordered by the expressions of
    `order_by` (ascending; a tie on the first is broken by the next), as arg_min over a row value.
    For a deterministic result, make the last expression unique within the group. -#}
{% macro value_of_first(value, order_by) -%}
    {{ return(adapter.dispatch('value_of_first', 'latam_engagement')(value, order_by)) }}
{%- endmacro %}

{% macro default__value_of_first(value, order_by) -%}
    min_by({{ value }}, named_struct(
        {%- for expression in order_by %}'k{{ loop.index }}', {{ expression }}{{ ", " if not loop.last }}{% endfor -%}
    ))
{%- endmacro %}

{% macro duckdb__value_of_first(value, order_by) -%}
    arg_min({{ value }}, struct_pack(
        {%- for expression in order_by %}k{{ loop.index }} := {{ expression }}{{ ", " if not loop.last }}{% endfor -%}
    ))
{%- endmacro %}
