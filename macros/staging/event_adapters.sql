{#- The pieces every event adapter (models/staging/<system>/, e.g. Amplitude, Mixpanel) shares.

    The event mapping seed (<system>_event_mapping: event_name, property_name, property_value,
    event_type): `event_mapping_joins` left-joins the row with a property condition that holds
    (alias conditional_mapping) and the row without one (plain_mapping);
    `event_mapping_columns` gives is_listed (the seed lists the name) and mapped_event_type (the
    conditional row's type if one matched, else the plain row's; null for a blank type). -#}
{% macro event_mapping_joins(mapping_relation, event_name, properties) -%}
    left join {{ mapping_relation }} as conditional_mapping
        on
            {{ event_name }} = conditional_mapping.event_name
            and conditional_mapping.property_name is not null
            and {{ json_extract_text_at(properties,
                "'$.\"' || conditional_mapping.property_name || '\"'") }} = conditional_mapping.property_value
    left join {{ mapping_relation }} as plain_mapping
        on
            {{ event_name }} = plain_mapping.event_name
            and plain_mapping.property_name is null
{%- endmacro %}

{% macro event_mapping_columns() -%}
    conditional_mapping.event_name is not null or plain_mapping.event_name is not null as is_listed,
    case
        when conditional_mapping.event_name is not null then conditional_mapping.event_type
        else plain_mapping.event_type
    end as mapped_event_type
{%- endmacro %}

{#- The adapter's rule for an event the mapping does not carry: unknown_event_name (not listed:
    a new event is noticed) or event_not_mapped (listed with a blank type: ignored on purpose). -#}
{% macro event_mapping_rejection_rule() -%}
    case
        when not is_listed then 'unknown_event_name'
        when mapped_event_type is null then 'event_not_mapped'
    end
{%- endmacro %}

{#- An adapter's stg_<system>__<table>: the carried rows of its base model (rejection_rule null),
    the contract table's columns in contract order, then delivery_number. -#}
{% macro adapter_contract_rows(base_model, table_name) -%}
    select
        {{ raw_contract_columns(table_name) | join(',\n        ') }},
        delivery_number
    from {{ ref(base_model) }}
    where rejection_rule is null
{%- endmacro %}

{#- An adapter's stg_<system>__rejected_rows for one vendor table: the rows of its base model
    with a rejection_rule, in the columns audit_rejected_rows unions, then delivery_number. -#}
{% macro adapter_rejected_rows(base_model, source_table) -%}
    select
        '{{ source_table }}' as source_table,
        event_id as record_key,
        rejection_rule,
        rejected_column,
        raw_record,
        delivery_number
    from {{ ref(base_model) }}
    where rejection_rule is not null
{%- endmacro %}

{#- The path of a URL: what follows the host, without the query string and fragment
    ('https://shop.example/rings/silver?ref=home' -> '/rings/silver'). -#}
{% macro url_path(expression) -%}
    regexp_extract({{ expression }}, '^[A-Za-z]+://[^/?#]+([^?#]*)', 1)
{%- endmacro %}

{#- The last select of an event adapter's base model: the contract's events columns, then
    delivery_number and, for a row the mapping does not carry, the rule, the vendor column it is
    about (`rejected_column`) and the raw record. -#}
{% macro event_adapter_rows(relation, rejected_column) -%}
    select
        {{ raw_contract_columns('events') | join(',\n        ') }},
        delivery_number,
        rejection_rule,
        case when rejection_rule is not null then '{{ rejected_column }}' end as rejected_column,
        case when rejection_rule is not null then raw_record end as raw_record
    from {{ relation }}
{%- endmacro %}
