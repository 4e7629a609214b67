{#- A JSON object text built from (key, expression) pairs: the raw record kept in audit. -#}
{% macro to_json_object(pairs) -%}
    {{ return(adapter.dispatch('to_json_object', 'latam_engagement')(pairs)) }}
{%- endmacro %}

{#- Spark's to_json drops null fields unless told not to; DuckDB keeps them as null. -#}
{% macro spark__to_json_object(pairs) -%}
    to_json(
        named_struct(
            {%- for key, expression in pairs %}
            '{{ key }}', cast({{ expression }} as string){{ "," if not loop.last }}
            {%- endfor %}
        ),
        map('ignoreNullFields', 'false')
    )
{%- endmacro %}

{% macro default__to_json_object(pairs) -%}
    to_json(named_struct(
        {%- for key, expression in pairs %}
        '{{ key }}', cast({{ expression }} as string){{ "," if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{% macro duckdb__to_json_object(pairs) -%}
    cast(to_json(struct_pack(
        {%- for key, expression in pairs %}
        "{{ key }}" := cast({{ expression }} as varchar){{ "," if not loop.last }}
        {%- endfor %}
    )) as varchar)
{%- endmacro %}
