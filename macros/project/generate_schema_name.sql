{#- Schemas by target (doc block schemas_by_target). On a production target (var
    production_targets: prod, the default, and spark) a model configured with +schema: marts lands
    in `marts`, the name BI tools, the exports and the quality checkpoint read. On any other target
    (dev) dbt's own default applies: `<target schema>_marts`, so a developer's tables sit beside
    prod's in the same file. Models with no custom schema stay in the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name in var('production_targets') -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
