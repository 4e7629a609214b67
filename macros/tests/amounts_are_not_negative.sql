{#- Model-level: fails on every negative value of every amount column (a numeric column with a
    currency unit in its name, macro amount_column_pattern), one row per value with the column's
    name. `exclude` lists amounts that may be negative; `columns` replaces the discovery (used
    by the test of this test). Nulls pass. -#}
{% test amounts_are_not_negative(model, exclude=[], columns=none) -%}
    {%- set checked = columns if columns is not none
        else numeric_columns_matching(model, amount_column_pattern(), exclude) -%}
    {{ failing_values(model, checked, '{column} < 0', 'amount must not be negative') }}
{%- endtest %}
