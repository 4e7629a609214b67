{#- Helpers that read the raw data contract (models/staging/shop/_shop__sources.yml) from the
    graph, so column lists and accepted values are written once, in that file. -#}

{% macro raw_contract_table(table_name, source_name='shop') -%}
    {#- The graph is empty while dbt parses; the real lists come at compile time. -#}
    {%- if not execute -%}
        {{ return({'columns': {}, 'meta': {}}) }}
    {%- endif -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("No table '" ~ table_name ~ "' in source '" ~ source_name ~ "'") }}
{%- endmacro %}

{#- Column names of a raw table, in contract order. -#}
{% macro raw_contract_columns(table_name, source_name='shop') -%}
    {{ return(raw_contract_table(table_name, source_name).columns.keys() | list) }}
{%- endmacro %}

{#- The accepted values of an enumerated raw column (meta.allowed_values). -#}
{% macro raw_contract_allowed_values(table_name, column_name, source_name='shop') -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set column = raw_contract_table(table_name, source_name).columns[column_name] -%}
    {%- set values = column.meta.get('allowed_values') -%}
    {%- if not values -%}
        {{ exceptions.raise_compiler_error("Raw column " ~ table_name ~ "." ~ column_name ~ " has no meta.allowed_values") }}
    {%- endif -%}
    {{ return(values) }}
{%- endmacro %}

{#- Every raw column passed through under a raw__ prefix, so that rules can compare a raw value
    with its parsed form and audit can keep the raw record. -#}
{% macro raw_columns_prefixed(table_name, relation_alias='source') -%}
    {%- for column in raw_contract_columns(table_name) %}
    {{ relation_alias }}.{{ column }} as raw__{{ column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The raw record as JSON text, for audit_rejected_rows. Personal data is never copied there:
    pii columns show '[redacted]' when they held a value; `overrides` replaces other columns
    (e.g. the pseudonymous token of an erased customer). -#}
{% macro raw_record_json(table_name, overrides={}) -%}
    {%- set table = raw_contract_table(table_name) -%}
    {%- set pairs = [] -%}
    {%- for name, column in table.columns.items() -%}
        {%- if name in overrides -%}
            {%- do pairs.append((name, overrides[name])) -%}
        {%- elif column.meta.get('pii') -%}
            {%- do pairs.append((name, "case when raw__" ~ name ~ " is null then null else '[redacted]' end")) -%}
        {%- else -%}
            {%- do pairs.append((name, "raw__" ~ name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ to_json_object(pairs) }}
{%- endmacro %}

{#- The raw tables of the shop source. A static list, not read from the graph: models that loop
    over it call ref() and source(), which dbt must see while it parses, when the graph is still
    empty. A pytest checks it against the sources YAML. -#}
{% macro shop_raw_tables() -%}
    {{ return(['customers', 'orders', 'order_items', 'products', 'events', 'feedback', 'marketing_spend',
        'privacy_requests', 'order_payments', 'fx_rates', 'experiment_assignments']) }}
{%- endmacro %}
