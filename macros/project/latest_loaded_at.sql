{#- The latest loaded_at of the model's own table ({{ this }}), as a timestamp literal read when the
    model runs (1900-01-01 when the table has no row): the watermark of an incremental run. A
    literal rather than a subquery, so that the engine can skip, by their min/max statistics, the
    blocks of the load logs (stg_shop__event_loads, int_events_sessionized, the signals of
    int_persons_signals_by_day) loaded before it instead of reading them all (DECISIONS.md, "Issue
    22: the watermark as a literal"). The same value as max(loaded_at) of the table, so the rows
    are those of the subquery. -#}
{% macro latest_loaded_at() -%}
    {%- set latest = none -%}
    {#- a unit test's this is a CTE of its given rows: read there as the subquery it replaces -#}
    {%- if execute and model.resource_type == 'unit_test' -%}
        {{ return('(select coalesce(max(loaded_at), cast(\'1900-01-01\' as ' ~ dbt.type_timestamp() ~ ')) from ' ~ this ~ ')') }}
    {%- endif -%}
    {%- if execute -%}
        {%- set latest = run_query(
            'select cast(max(loaded_at) as ' ~ dbt.type_string() ~ ') from ' ~ this
        ).columns[0].values()[0] -%}
    {%- endif -%}
    cast('{{ latest if latest is not none else "1900-01-01" }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
