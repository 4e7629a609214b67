{#- A local amount in USD, rounded to the cent. Money stays DECIMAL all the way (a DOUBLE sum is
    not reproducible to the last digit across runs); the product is widened first so that large
    amounts in currencies like COP cannot overflow. -#}
{% macro to_usd(local_amount, usd_per_unit) -%}
    cast(round(cast({{ local_amount }} as decimal(38, 2)) * {{ usd_per_unit }}, 2) as decimal(18, 2))
{%- endmacro %}
