{#- Fails on every row where the SQL expression is not true (null counts as not true). On a
    column, the expression is still written in full (e.g. "amount_usd >= 0"). -#}
{% test expression_is_true(model, expression, column_name=none) -%}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
{%- endtest %}
