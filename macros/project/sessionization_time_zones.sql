{#- What decides the local date (event_date) of a sessionized event, kept as int_events_sessionized's
    compact state (model int_events_sessionized__time_zones): each clean customer's country (a
    customer's events take its time zone) and each country's business time zone (an anonymous
    visitor's events take their own country's). An incremental run compares the stored rows with
    these to find the customers whose events changed local date, without comparing every event. -#}
{% macro sessionization_time_zones() -%}
    select
        customer_id,
        country_code,
        cast(null as {{ dbt.type_string() }}) as business_timezone
    from {{ ref('stg_shop__customers') }}
    union all
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        country_code,
        {{ business_timezone('country_code', 'timezone') }} as business_timezone
    from {{ ref('countries') }}
{%- endmacro %}

{#- The relation of that state, the model int_events_sessionized__time_zones beside the model
    (none when it does not exist yet, when it is a table of the post-hook that stored it before it
    was a model, without loaded_at, or in a unit test, where the model's own rows are a fixture:
    `this` is then a name, not a relation). -#}
{% macro sessionization_time_zones_state(model_relation) -%}
    {%- if model_relation is string -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set state = adapter.get_relation(
        database=model_relation.database,
        schema=model_relation.schema,
        identifier=model_relation.identifier ~ '__time_zones') -%}
    {%- if state is none
        or 'loaded_at' not in adapter.get_columns_in_relation(state) | map(attribute='name') | map('lower') | list -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(state) }}
{%- endmacro %}
