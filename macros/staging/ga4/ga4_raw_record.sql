{#- A GA4 export row as JSON text for stg_ga4__rejected_rows: every column of the source YAML,
    nested records as JSON; personal-data columns (meta.pii: geo with the city, device ids, user
    properties) shown as '[redacted]' when they hold a value, and e-mail addresses and
    international phone numbers inside the event parameters masked (as in tracking text: other
    digit runs are ids and counts, such as ga_session_id, except on an erased customer's rows);
    an erased customer's user_id (is_erased: SQL true for such a row) shown as its token. -#}
{% macro ga4_raw_record(relation_alias, is_erased='false') -%}
    {%- set pairs = [] -%}
    {%- for name, column in raw_contract_table('events', 'ga4').columns.items() -%}
        {%- set expression = relation_alias ~ '.' ~ name -%}
        {%- set data_type = column.data_type or '' -%}
        {%- if name == 'user_id' -%}
            {%- do pairs.append((name, pseudonymous_customer_id(clean_text(expression), is_erased))) -%}
        {%- elif column.meta.get('pii') -%}
            {%- do pairs.append((name, "case when " ~ expression ~ " is null then null else '[redacted]' end")) -%}
        {%- elif name == 'event_params' -%}
            {%- do pairs.append((name, mask_contact_details_in_tracking(
                "cast(to_json(" ~ expression ~ ") as " ~ dbt.type_string() ~ ")", is_erased))) -%}
        {%- elif 'struct' in data_type or '[]' in data_type -%}
            {%- do pairs.append((name, "to_json(" ~ expression ~ ")")) -%}
        {%- else -%}
            {%- do pairs.append((name, expression)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ to_json_object(pairs) }}
{%- endmacro %}
