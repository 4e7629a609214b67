{#- Source adapters (doc block source_adapters): which system feeds each area of the raw contract.
    The contract's own files (system `shop`) by default; an adapter in models/staging/<system>/
    turns a vendor's export into the contract's tables, which then go through the same validation
    (models/staging/shop/base) as the contract's files. -#}

{#- The contract tables of each area. -#}
{% macro contract_areas() -%}
    {{ return({
        'orders': ['customers', 'orders', 'order_items', 'products', 'order_payments'],
        'events': ['events'],
        'feedback': ['feedback'],
    }) }}
{%- endmacro %}

{#- The systems that may feed each area: `shop` and the adapters in models/staging/<system>/
    (dbt_project.yml enables an adapter's models and source for the system a var names). -#}
{% macro area_systems() -%}
    {{ return({
        'orders': ['shop', 'shopify', 'vtex'],
        'events': ['shop', 'ga4', 'amplitude', 'mixpanel'],
        'feedback': ['shop', 'typeform', 'delighted', 'zigpoll'],
    }) }}
{%- endmacro %}

{#- The system an area is read from (var <area>_source), checked. -#}
{% macro area_source(area) -%}
    {%- set system = var(area ~ '_source') -%}
    {%- if system not in area_systems()[area] -%}
        {{ exceptions.raise_compiler_error("var " ~ area ~ "_source is '" ~ system ~ "': it must be one of "
            ~ area_systems()[area] | join(', ') ~ " (shop: the raw contract's own files; see docs/adapters/)") }}
    {%- endif -%}
    {{ return(system) }}
{%- endmacro %}

{#- The system a contract table is read from: its area's, or `shop` for the tables of no area
    (marketing spend, privacy requests, FX rates: always the contract's own files). -#}
{% macro contract_table_system(table_name) -%}
    {%- for area, tables in contract_areas().items() if table_name in tables -%}
        {{ return(area_source(area)) }}
    {%- endfor -%}
    {{ return('shop') }}
{%- endmacro %}

{#- The relation a contract table is read from: the raw file (source shop) or the adapter's model
    stg_<system>__<table>, which has the contract's columns. Every model that reads a contract
    table reads it through this macro. -#}
{% macro contract_source(table_name) -%}
    {%- set system = contract_table_system(table_name) -%}
    {%- if system == 'shop' -%}
        {{ return(source('shop', table_name)) }}
    {%- endif -%}
    {{ return(ref('stg_' ~ system ~ '__' ~ table_name)) }}
{%- endmacro %}

{#- The adapters in use, in name order (none when every area reads the contract's files). -#}
{% macro adapter_systems_in_use() -%}
    {%- set systems = [] -%}
    {%- for area in contract_areas().keys() if area_source(area) != 'shop' -%}
        {%- do systems.append(area_source(area)) -%}
    {%- endfor -%}
    {{ return(systems | unique | sort | list) }}
{%- endmacro %}

{#- The contract tables an adapter feeds, {table: system}. -#}
{% macro adapter_fed_tables() -%}
    {%- set fed = {} -%}
    {%- for area, tables in contract_areas().items() if area_source(area) != 'shop' -%}
        {%- for table_name in tables -%}
            {%- do fed.update({table_name: area_source(area)}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(fed) }}
{%- endmacro %}

{#- The folder of a system's export files: var source_data_dirs[system], else RAW_DATA_DIR/<system>. -#}
{% macro source_data_dir(system) -%}
    {{ return(var('source_data_dirs', {}).get(system) or raw_data_dir() ~ '/' ~ system) }}
{%- endmacro %}

{#- The salted hash of a normalised e-mail address: how a system that knows a person only by
    e-mail (a survey tool) finds the customer id (model base_shop__customer_email_keys). -#}
{% macro email_key(expression) -%}
    {{ hash_personal_data(normalize_email(expression)) }}
{%- endmacro %}

{#- Whether a var chooses the system: each adapter model's `enabled` config
    ({{ config(enabled=adapter_in_use('shopify')) }}), since dbt_project.yml's own configs do not
    see the vars set in dbt_project.yml. -#}
{% macro adapter_in_use(system) -%}
    {{ return(system in adapter_systems_in_use()) }}
{%- endmacro %}
