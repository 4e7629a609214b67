{#- Validation rules of staging. A rule is (rule_name, column_name, condition that is true when
    the row breaks it); rules are checked in the order given and the first broken one is
    reported, so put the most basic rules (missing key, unparseable value) first. -#}

{% macro first_broken_rule(rules) -%}
    case
        {%- for rule_name, column_name, condition in rules %}
        when {{ condition }} then '{{ rule_name }}'
        {%- endfor %}
    end
{%- endmacro %}

{% macro first_broken_rule_column(rules) -%}
    case
        {%- for rule_name, column_name, condition in rules %}
        when {{ condition }} then '{{ column_name }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- True when a raw value is null or only blanks. -#}
{% macro is_blank(expression) -%}
    ({{ expression }} is null or trim(cast({{ expression }} as {{ dbt.type_string() }})) = '')
{%- endmacro %}

{#- True when a raw value is present but its parsed form is null: it did not parse. -#}
{% macro did_not_parse(raw_expression, parsed_expression) -%}
    (not {{ is_blank(raw_expression) }} and {{ parsed_expression }} is null)
{%- endmacro %}

{#- A SQL list literal: ('a', 'b'). -#}
{% macro sql_value_list(values) -%}
    ({%- for value in values -%}'{{ value }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}
