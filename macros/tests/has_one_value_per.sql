{#- Fails on every group (rows with the same values of `group_by`) whose column holds more than one
    distinct non-null value: e.g. at most one condition property per event name in an event
    mapping seed, so that matching an event to the seed never gives two rows. -#}
{% test has_one_value_per(model, column_name, group_by) -%}
    select
        {{ group_by | join(', ') }},
        count(distinct {{ column_name }}) as distinct_values
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ group_by | join(', ') }}
    having count(distinct {{ column_name }}) > 1
{%- endtest %}
