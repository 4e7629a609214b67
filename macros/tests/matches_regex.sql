{#- Fails on every value of the column that the regular expression does not match (nulls pass). -#}
{% test matches_regex(model, column_name, regex) -%}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        and not ({{ regexp_contains(column_name, regex) }})
{%- endtest %}
