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

{#- The build's clock, as a UTC timestamp: later than this is "in the future". -#}
{% macro now_utc() -%}
    cast({{ dbt.current_timestamp() }} as timestamp)
{%- endmacro %}

{#- Order that picks one version of a key deterministically: latest first (by `latest_first`,
    nulls last), then by every raw value, so equal timestamps still give the same winner on
    every run and engine. The raw values are the columns `raw_prefix`<column> (default: the raw__
    copies that the base models keep). -#}
{% macro version_order(table_name, latest_first, raw_prefix='raw__') -%}
    {%- if latest_first %}{{ latest_first }} desc nulls last, {% endif -%}
    {%- for column in raw_contract_columns(table_name) -%}
        cast({{ raw_prefix }}{{ column }} as {{ dbt.type_string() }}) nulls last{{ ", " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
