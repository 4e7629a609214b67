{#- Retained at N days (doc block retained_within_days), the one definition that experiment_results
    and cohort_entry_outcomes read: the value (an order's time or local day) falls in the N days
    after the start, (start, start + N days]. `start` and `value` are both timestamps or both dates. -#}
{% macro is_within_days_after(value, start, days) -%}
    ({{ value }} > {{ start }} and {{ value }} <= {{ dbt.dateadd('day', days, start) }})
{%- endmacro %}
