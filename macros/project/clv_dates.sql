{#- The dates and the time unit of the CLV models, from the vars (doc block clv). -#}

{#- SQL for the last day of the observation period: var clv_observation_end, or the last order
    date in the data. -#}
{% macro clv_observation_end() -%}
    {%- if var('clv_observation_end') -%}
        cast('{{ var("clv_observation_end") }}' as date)
    {%- else -%}
        (select int_data_end.data_end_date from {{ ref('int_data_end') }} as int_data_end)
    {%- endif -%}
{%- endmacro %}

{#- SQL for the last day of clv_backtest's holdout: the anchor of the observation end on the refit
    schedule (doc block fit_refit_schedule; the observation end itself with the default var
    fit_refit_every_days 1), so that the backtest's data change only at an anchor or by late data. -#}
{% macro clv_backtest_end() -%}
    {{ fit_anchor_date(clv_observation_end()) }}
{%- endmacro %}

{#- SQL for the last day of clv_backtest's calibration period: var clv_calibration_end, or the
    backtest's end minus var clv_holdout_days. -#}
{% macro clv_calibration_end() -%}
    {%- if var('clv_calibration_end') -%}
        cast('{{ var("clv_calibration_end") }}' as date)
    {%- else -%}
        cast({{ dbt.dateadd('day', -1 * var('clv_holdout_days'), clv_backtest_end()) }} as date)
    {%- endif -%}
{%- endmacro %}

{#- The period a date falls in: the day itself, or the Monday of its week. -#}
{% macro clv_period(date_expression) -%}
    {%- if var('clv_time_unit') == 'week' -%}
        cast({{ dbt.date_trunc('week', date_expression) }} as date)
    {%- elif var('clv_time_unit') == 'day' -%}
        {{ date_expression }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("var clv_time_unit must be day or week, not '" ~ var('clv_time_unit') ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- Time units from one period to a later one. -#}
{% macro clv_units_between(start_period, end_period) -%}
    cast({{ dbt.datediff(start_period, end_period, 'day') }} as double)
    {%- if var('clv_time_unit') == 'week' %} / 7{% endif %}
{%- endmacro %}
