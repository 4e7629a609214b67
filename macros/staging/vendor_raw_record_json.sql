{#- The raw record of a vendor table's row as JSON text, for an adapter's rejected rows: every
    column of the vendor table as its `_<system>__sources.yml` lists it, personal data shown as
    '[redacted]' when it held a value: a column with meta.pii, or inside a JSON column the keys
    its meta.pii_keys lists (Mixpanel's $city inside `properties`). `relation_alias`: the alias
    the row is read under, if the columns need one. -#}
{% macro vendor_raw_record_json(source_name, table_name, relation_alias=none) -%}
    {%- set pairs = [] -%}
    {%- for name, column in raw_contract_table(table_name, source_name).columns.items() -%}
        {%- set value = (relation_alias ~ '.' if relation_alias else '') ~ adapter.quote(name) -%}
        {%- if column.meta.get('pii') -%}
            {%- do pairs.append((name, "case when " ~ value ~ " is null then null else '[redacted]' end")) -%}
        {%- elif column.meta.get('pii_keys') -%}
            {%- do pairs.append((name, redacted_json_keys(value, column.meta.get('pii_keys')))) -%}
        {%- else -%}
            {%- do pairs.append((name, value)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ to_json_object(pairs) }}
{%- endmacro %}

{#- A JSON object with the values of the given keys replaced by '[redacted]' where present
    (a JSON merge patch: a null in the patch leaves an absent key absent). DuckDB. -#}
{% macro redacted_json_keys(json_expression, keys) -%}
    json_merge_patch({{ json_expression }}, json_object(
        {%- for key in keys %}
        '{{ key }}', case when {{ json_extract_text(json_expression, '$."' ~ key ~ '"') }} is not null then '[redacted]' end
        {{- "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}
