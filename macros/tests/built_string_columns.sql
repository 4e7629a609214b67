{#- (node name, relation, column name) of every text column of the built models (and seeds, if
    asked) of a layer, or of every layer, and of the tables of the sources named in source_names
    (e.g. the run history's): what the personal-data scans read. Empty while dbt parses; a node
    not built yet, or a source table that does not exist, is skipped. -#}
{% macro built_string_columns(resource_types=('model',), layer=none, exclude=[], source_names=[]) -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values()
            if node.resource_type in resource_types and node.config.materialized != 'ephemeral'
            and node.name not in exclude and (layer is none or node.fqn[1] == layer) -%}
            {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
            {%- if relation is not none -%}
                {%- for column in adapter.get_columns_in_relation(relation) if column.is_string() -%}
                    {%- do found.append((node.name, relation, column.name)) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for source in graph.sources.values() if source.source_name in source_names -%}
            {%- set relation = adapter.get_relation(source.database, source.schema, source.identifier) -%}
            {%- if relation is not none -%}
                {%- for column in adapter.get_columns_in_relation(relation) if column.is_string() -%}
                    {%- do found.append((source.source_name ~ '.' ~ source.name, relation, column.name)) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(found) }}
{%- endmacro %}
