{#- Written between `as` and the body of a CTE that is read more than once and is cheaper to
    compute again than to store (a union of every text cell of the warehouse): DuckDB materialises
    such a CTE by default; other engines inline it anyway. -#}
{% macro not_materialized() -%}
    {{ return(adapter.dispatch('not_materialized', 'latam_engagement')()) }}
{%- endmacro %}

{% macro default__not_materialized() -%}
{%- endmacro %}

{% macro duckdb__not_materialized() -%}
    not materialized
{%- endmacro %}
