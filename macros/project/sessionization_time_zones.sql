{#- What decides the local date (event_date) of a sessionized event, kept as int_events_sessionized's
    compact state (relation sessionization_time_zones_state): each clean customer's country (a
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

{#- The relation of that state, beside the model (none when it does not exist yet, or in a unit
    test, where the model's own rows are a fixture: `this` is then a name, not a relation). -#}
{% macro sessionization_time_zones_state(model_relation) -%}
    {%- if model_relation is string -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=model_relation.database,
        schema=model_relation.schema,
        identifier=model_relation.identifier ~ '__time_zones')) }}
{%- endmacro %}

{#- Post-hook: store the state of this run. On Spark (no create or replace of a Parquet table)
    the table is dropped and created by statements of their own, and the hook renders nothing. -#}
{% macro store_sessionization_time_zones() -%}
    {%- set state = this.incorporate(path={'identifier': this.identifier ~ '__time_zones'}) -%}
    {#- rendered on both engines, so that dbt's parse finds its refs -#}
    {%- set state_sql = sessionization_time_zones() -%}
    {%- if target.type != 'spark' -%}
        create or replace table {{ state }} as
        {{ state_sql }}
    {%- elif execute -%}
        {%- do run_query('drop table if exists ' ~ state) -%}
        {%- do run_query(create_table_as(false, state, state_sql)) -%}
    {%- endif -%}
{%- endmacro %}
