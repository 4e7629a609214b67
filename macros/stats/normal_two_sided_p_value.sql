{#- Two-sided p-value of a z statistic under the normal approximation: 2 P(Z > |z|). -#}
{% macro normal_two_sided_p_value(z) -%}
    least(1.0, 2.0 * {{ normal_upper_tail(z) }})
{%- endmacro %}
