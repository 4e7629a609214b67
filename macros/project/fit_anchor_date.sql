{#- SQL for the anchor of the refit schedule (doc block fit_refit_schedule) of a day: the latest day
    up to it that is a whole number of var fit_refit_every_days (N) days after 1970-01-01; the day
    itself when N is 1 or less. every_days overrides the var (the test of the rule). engagement_warehouse.fit_schedule.anchor_date is the same rule in
    Python (python_tests/test_fit_schedule.py checks that both give the same days). -#}
{% macro fit_anchor_date(date_expression, every_days=none) -%}
    {%- set every_days = (var('fit_refit_every_days') if every_days is none else every_days) | int -%}
    {%- if every_days <= 1 -%}
        {{ date_expression }}
    {%- else -%}
        {%- set days_since_epoch = dbt.datediff("cast('1970-01-01' as date)", date_expression, 'day') -%}
        {#- the remainder taken twice: SQL's % keeps the sign of a day before 1970 -#}
        {%- set days_past_anchor = '((((' ~ days_since_epoch ~ ') % ' ~ every_days ~ ') + ' ~ every_days ~ ') % '
            ~ every_days ~ ')' -%}
        cast({{ dbt.dateadd('day', '-1 * ' ~ days_past_anchor, date_expression) }} as date)
    {%- endif -%}
{%- endmacro %}
