{#- The value_mappings seed applied to a raw enumerated value: `canonical_value(alias, cleaned)` is
    the mapped value, else the cleaned value itself; `join_value_mapping(field, cleaned, alias)`
    is the left join that finds the mapping. Staging validates the result against the contract's
    values as before, so an unmapped, unknown value is rejected with its column named. -#}
{% macro join_value_mapping(field, cleaned, alias) -%}
    left join {{ ref('value_mappings') }} as {{ alias }}
        on
            {{ alias }}.field = '{{ field }}'
            and {{ cleaned }} = {{ alias }}.source_value
{%- endmacro %}

{% macro canonical_value(alias, cleaned) -%}
    coalesce({{ alias }}.canonical_value, {{ cleaned }})
{%- endmacro %}
