{#- A DOUBLE amount in USD (a model's prediction, an attribution credit times revenue) as money:
    DECIMAL(18, 2), rounded to the nearest cent, half away from zero, the same on every engine.
    round() of x * 100 to a whole number is: the product is the same IEEE double on both engines
    and a whole-number rounding of an exact binary value has one answer; round(x, 2) is not (see
    average_to_the_cent). Null stays null. -#}
{% macro to_the_cent(amount) -%}
    cast(round(cast({{ amount }} as double) * 100) / 100 as decimal(18, 2))
{%- endmacro %}
