{#- dbt clone on DuckDB: each model of the state becomes a view of the state's relation (DuckDB
    has no zero-copy table clone, so dbt's own clone makes views too). dbt 1.11's clone passes a
    Python model no SQL (its `sql` is None, "syntax error at or near None"), so this one writes
    the view's select itself, for SQL and Python models alike. -#}
{%- materialization clone, adapter='duckdb' -%}
    {%- if not defer_relation -%}
        {{ log("No relation found in state manifest for " ~ model.unique_id, info=True) }}
        {{ return({'relations': []}) }}
    {%- endif -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- if existing_relation and not flags.FULL_REFRESH -%}
        {{ log("Relation " ~ existing_relation ~ " already exists", info=True) }}
        {{ return({'relations': []}) }}
    {%- endif -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- if existing_relation is not none -%}
        {{ drop_relation_if_exists(existing_relation) }}
    {%- endif -%}
    {%- call statement('main') -%}
        create view {{ target_relation }} as select * from {{ defer_relation }}
    {%- endcall -%}
    {%- do persist_docs(target_relation, model) -%}
    {%- do adapter.commit() -%}
    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization -%}
