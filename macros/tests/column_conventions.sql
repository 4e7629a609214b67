{#- Helpers of the convention tests (amounts_are_not_negative, rates_are_between_0_and_1): the
    project names columns by what they hold (STYLE: amounts carry their unit, rates end in
    _rate), so a test can find every amount or rate of a model by name, and a column added
    later is tested without anyone remembering to. -#}

{#- Column names that the pattern matches, minus `exclude`, kept only when numeric in the built
    relation. Empty while dbt parses. -#}
{% macro numeric_columns_matching(model, pattern, exclude=[]) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(model) -%}
        {#- is_number() does not know DECIMAL(p, s), the type of every money column -#}
        {%- set is_numeric = column.is_number() or (column.data_type | lower).startswith(('decimal', 'numeric')) -%}
        {%- if is_numeric and column.name | lower not in exclude
            and modules.re.search(pattern, column.name | lower) -%}
            {%- do names.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}

{#- Amount columns: a currency unit in the name (net_revenue_usd, unit_price_local,
    cumulative_net_revenue_usd_per_customer, fx_usd_per_unit). -#}
{% macro amount_column_pattern() -%}
    {{ return('(^|_)(usd|local)(_|$)') }}
{%- endmacro %}

{#- Rate columns: named ..._rate or ..._share. -#}
{% macro rate_column_pattern() -%}
    {{ return('_(rate|share)$') }}
{%- endmacro %}

{#- One row per value that breaks the rule, naming the column and the rule, so the stored
    failures (schema audit) say exactly what broke. `condition` holds {column}. -#}
{% macro failing_values(model, columns, condition, rule) -%}
    {%- for column in columns %}
    select
        '{{ column }}' as column_name,
        '{{ rule }}' as rule,
        cast({{ column }} as {{ dbt.type_float() }}) as failing_value
    from {{ model }}
    where {{ condition | replace('{column}', column) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
    {%- if not columns %}
    select
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as rule,
        cast(null as {{ dbt.type_float() }}) as failing_value
    where 1 = 0
    {%- endif %}
{%- endmacro %}
