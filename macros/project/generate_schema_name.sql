{#- Clean schema names: a model configured with +schema: marts lands in `marts`, not
    `<target schema>_marts`, so BI tools see the same names on every machine. Models with no
    custom schema stay in the target schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
