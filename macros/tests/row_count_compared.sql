{#- Model-level: fails (one row with both counts) when the model's row count breaks a bound set
    by another model or a number: `equals` (the same rows), `at_most` (no more rows), and
    `has_rows_when` (at least one row when that model has any). A relation or an integer each. -#}
{% test row_count_compared(model, equals=none, at_most=none, has_rows_when=none) -%}
    {%- set bounds = {'equals': equals, 'at_most': at_most, 'has_rows_when': has_rows_when} -%}
    with counts as (
        select
            (select count(*) from {{ model }}) as model_rows
            {%- for name, bound in bounds.items() if bound is not none %},
            {% if bound is number %}{{ bound }}{% else %}(select count(*) from {{ bound }}){% endif %} as {{ name }}_rows
            {%- endfor %}
    )

    select *
    from counts
    where
        1 = 0
        {%- if equals is not none %}
        or model_rows <> equals_rows
        {%- endif %}
        {%- if at_most is not none %}
        or model_rows > at_most_rows
        {%- endif %}
        {%- if has_rows_when is not none %}
        or (model_rows = 0 and has_rows_when_rows > 0)
        {%- endif %}
{%- endtest %}
