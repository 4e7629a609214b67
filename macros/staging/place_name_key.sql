{#- A place name made comparable: trimmed, lower case, without accents ('São Paulo' = 'sao paulo',
    'MÉRIDA ' = 'merida'). translate() with the accented letters of Spanish and Portuguese, so
    that the same key comes out on DuckDB and Spark (Spark has no strip_accents). -#}
{% macro place_name_key(expression) -%}
    translate(
        lower(trim(cast({{ expression }} as {{ dbt.type_string() }}))),
        'áàâãäéèêëíìîïóòôõöúùûüçñ',
        'aaaaaeeeeiiiiooooouuuucn'
    )
{%- endmacro %}
