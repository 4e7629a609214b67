{#- Two-sided p-value of a z statistic under the normal approximation: 2 P(Z > |z|), capped at 1
    against rounding; null for a null z (a lift without a standard error). -#}
{% macro normal_two_sided_p_value(z) -%}
    case when ({{ z }}) is not null then least(1.0, 2.0 * {{ normal_upper_tail(z) }}) end
{%- endmacro %}
