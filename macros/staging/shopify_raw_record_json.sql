{#- A raw row of a Shopify table as JSON text, for stg_shopify__rejected_rows: every column of the
    table in _shopify__sources.yml, with personal data (meta.pii) shown as '[redacted]' when it
    held a value. `relation_alias` is the alias of the source relation in the query; `overrides`
    replaces columns (the pseudonymous token of an erased customer's id). -#}
{% macro shopify_raw_record_json(table_name, relation_alias, overrides={}) -%}
    {%- set table = raw_contract_table(table_name, 'shopify') -%}
    {%- set pairs = [] -%}
    {%- for name, column in table.columns.items() -%}
        {%- set reference = relation_alias ~ '.' ~ adapter.quote(name) -%}
        {%- if name in overrides -%}
            {%- do pairs.append((name, overrides[name])) -%}
        {%- elif column.meta.get('pii') -%}
            {%- do pairs.append((name, "case when " ~ reference ~ " is null then null else '[redacted]' end")) -%}
        {%- else -%}
            {%- do pairs.append((name, reference)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if pairs -%}
        {{ to_json_object(pairs) }}
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
