{#- The period of `date_column` in the cohort of `grain` (month, week) that `first_date` starts:
    0 for the grain's period that holds the first date, then 1, 2, ... by calendar period.
    int_persons_activity_by_period numbers activity by it, in its full and its incremental
    part alike. -#}
{% macro cohort_period_number(grain, first_date, date_column) -%}
    {{ dbt.datediff(
        dbt.date_trunc(grain, first_date),
        dbt.date_trunc(grain, date_column),
        grain
    ) }}
{%- endmacro %}
