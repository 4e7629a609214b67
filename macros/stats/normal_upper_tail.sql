{#- P(Z > |z|) for a standard normal Z, in portable SQL (exp, sqrt, abs: the same on DuckDB and
    Spark, so no dispatch): Abramowitz and Stegun 26.2.17, absolute error below 7.5e-8. Computed
    as the tail itself, not 1 - cdf, so a small p-value keeps its digits. Null for a null z. -#}
{% macro normal_upper_tail(z) -%}
    {%- set a = '(abs(' ~ z ~ '))' -%}
    {%- set t = '(1.0 / (1.0 + 0.2316419 * ' ~ a ~ '))' -%}
    (exp(-0.5 * {{ a }} * {{ a }}) / 2.5066282746310002
        * {{ t }} * (0.319381530 + {{ t }} * (-0.356563782 + {{ t }} * (1.781477937
            + {{ t }} * (-1.821255978 + {{ t }} * 1.330274429)))))
{%- endmacro %}
