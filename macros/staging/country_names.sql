{#- Country names to ISO 3166-1 alpha-2 codes, for vendors that write a name (Amplitude's and
    GA4's GeoIP 'Brazil', 'United States'): the name is compared with the countries seed's
    country_name ignoring case, surrounding blanks and accents ('Curaçao' = 'Curacao'), then with
    the value_mappings rows of field country_name (other spellings: 'Ivory Coast',
    'Czech Republic'). `join_country_name(name, alias)` is the pair of left joins (aliases
    <alias>_by_name and <alias>_by_alias); `country_code_of_name(name, alias)` is the code found,
    else the name itself, so that staging rejects an unknown name with it in the raw record
    (rule unknown_country_code) instead of losing it. -#}
{% macro country_name_key(expression) -%}
    {{ return(adapter.dispatch('country_name_key', 'latam_engagement')(expression)) }}
{%- endmacro %}

{#- Elsewhere (Spark): the place-name key, which removes the accents of Spanish and Portuguese
    letters, so that 'Curaçao' = 'Curacao' on every engine. -#}
{% macro default__country_name_key(expression) -%}
    {{ place_name_key(expression) }}
{%- endmacro %}

{#- DuckDB: also '&' as 'and', a typographic apostrophe as a plain one and a leading 'St.' as
    'Saint' ('St. Kitts & Nevis' = 'Saint Kitts and Nevis'; 'Côte d’Ivoire' = "cote d'ivoire"). -#}
{% macro duckdb__country_name_key(expression) -%}
    regexp_replace(
        replace(replace(lower(strip_accents(trim(cast({{ expression }} as varchar)))), '’', ''''), '&', 'and'),
        '^st[.] ',
        'saint '
    )
{%- endmacro %}

{% macro join_country_name(name, alias) -%}
    left join {{ ref('countries') }} as {{ alias }}_by_name
        on {{ country_name_key(name) }} = {{ country_name_key(alias ~ '_by_name.country_name') }}
    left join {{ ref('value_mappings') }} as {{ alias }}_by_alias
        on
            {{ alias }}_by_alias.field = 'country_name'
            and {{ country_name_key(name) }} = {{ country_name_key(alias ~ '_by_alias.source_value') }}
{%- endmacro %}

{% macro country_code_of_name(name, alias) -%}
    coalesce({{ alias }}_by_name.country_code, {{ alias }}_by_alias.canonical_value, {{ clean_text(name) }})
{%- endmacro %}
