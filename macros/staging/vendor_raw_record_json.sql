{#- The raw record of a vendor table's row as JSON text, for an adapter's rejected rows: every
    column of the vendor table as its `_<system>__sources.yml` lists it, personal data (meta.pii)
    shown as '[redacted]' when it held a value. `relation_alias`: the alias the row is read
    under, if the columns need one. -#}
{% macro vendor_raw_record_json(source_name, table_name, relation_alias=none) -%}
    {%- set pairs = [] -%}
    {%- for name, column in raw_contract_table(table_name, source_name).columns.items() -%}
        {%- set value = (relation_alias ~ '.' if relation_alias else '') ~ adapter.quote(name) -%}
        {%- if column.meta.get('pii') -%}
            {%- do pairs.append((name, "case when " ~ value ~ " is null then null else '[redacted]' end")) -%}
        {%- else -%}
            {%- do pairs.append((name, value)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ to_json_object(pairs) }}
{%- endmacro %}
