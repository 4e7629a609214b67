{#- Text normalisation of staging: trimmed, blanks to null; codes lower-case, ISO country codes
    upper-case. Accents and case of names and comments are kept. -#}

{% macro clean_text(expression) -%}
    nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{% macro clean_code(expression) -%}
    lower({{ clean_text(expression) }})
{%- endmacro %}

{#- ISO 3166-1 alpha-2 country codes upper-case, as ISO writes them and BI filters expect ('BR'). -#}
{% macro clean_country_code(expression) -%}
    upper({{ clean_text(expression) }})
{%- endmacro %}

{#- Parses a raw boolean (true/false, t/f, yes/no, 1/0, any case); null when unparseable. -#}
{% macro parse_boolean(expression) -%}
    case lower({{ clean_text(expression) }})
        when 'true' then true
        when 't' then true
        when 'yes' then true
        when '1' then true
        when 'false' then false
        when 'f' then false
        when 'no' then false
        when '0' then false
    end
{%- endmacro %}
