{#- Model-level: fails on every value of every rate column (numeric, named ..._rate or
    ..._share) outside 0 to 1, one row per value with the column's name. `exclude` lists rates
    that may exceed 1 (revenue retention, redemption of points earned earlier); `columns`
    replaces the discovery. Nulls pass (a rate without a denominator is null). -#}
{% test rates_are_between_0_and_1(model, exclude=[], columns=none) -%}
    {%- set checked = columns if columns is not none
        else numeric_columns_matching(model, rate_column_pattern(), exclude) -%}
    {{ failing_values(model, checked, '{column} < 0 or {column} > 1', 'rate must be between 0 and 1') }}
{%- endtest %}
