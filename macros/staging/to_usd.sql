{#- A local amount in USD, rounded to the cent. Money stays DECIMAL all the way (a DOUBLE sum is
    not reproducible to the last digit across runs), and the product is exact before the one
    rounding. How wide the amount must be for that depends on the engine's DECIMAL rules. -#}
{% macro to_usd(local_amount, usd_per_unit) -%}
    {{ return(adapter.dispatch('to_usd', 'latam_engagement')(local_amount, usd_per_unit)) }}
{%- endmacro %}

{#- DuckDB gives a product the larger of the two precisions, so the amount is widened first: with
    DECIMAL(18, 2) * DECIMAL(18, 12) only 4 digits would be left before the point, and large
    amounts in currencies like COP would overflow. -#}
{% macro default__to_usd(local_amount, usd_per_unit) -%}
    cast(round(cast({{ local_amount }} as decimal(38, 2)) * {{ usd_per_unit }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- Spark gives a product p1 + p2 + 1 digits and, past 38, rounds it to 6 decimals (1.33499993
    becomes 1.335000, then 1.34 instead of 1.33). DECIMAL(19, 2) * DECIMAL(18, 12) needs exactly
    38, so the product is exact, with 24 digits before the point. -#}
{% macro spark__to_usd(local_amount, usd_per_unit) -%}
    cast(round(cast({{ local_amount }} as decimal(19, 2)) * {{ usd_per_unit }}, 2) as decimal(18, 2))
{%- endmacro %}
