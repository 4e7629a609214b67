{#- Fails on every value of the column that the raw data contract does not allow
    (meta.allowed_values of the raw column in _shop__sources.yml): the same list staging
    validates with, so the test and the rule cannot drift apart. -#}
{% test accepted_contract_values(model, column_name, raw_table, raw_column=none) -%}
    {%- set values = raw_contract_allowed_values(raw_table, raw_column or column_name) -%}
    select {{ column_name }}
    from {{ model }}
    where
        {{ column_name }} is not null
        {%- if values %}
        and {{ column_name }} not in {{ sql_value_list(values) }}
        {%- endif %}
{%- endtest %}
