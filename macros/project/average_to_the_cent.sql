{#- An amount per head rounded to the cent, half up, the same on every engine. round() of a
    DOUBLE quotient is not: DuckDB rounds x * 100 in floating point, Spark the exact binary value,
    so 1575.45 / 10 gives 157.55 on one and 157.54 on the other. Here the amount goes to whole
    cents (exact: it is a DECIMAL with 2 decimals), and cents / count is rounded to a whole number:
    a half is exactly representable as a DOUBLE, so ties are ties on both engines. -#}
{% macro average_to_the_cent(amount, count) -%}
    cast(
        round(cast(cast(({{ amount }}) * 100 as {{ dbt.type_bigint() }}) as double) / ({{ count }})) / 100
        as decimal(18, 2)
    )
{%- endmacro %}
