{#- A country name reduced to the form GA4's geo.country and the countries seed share: lower
    case, accents stripped, '&' as 'and', a leading 'St.' as 'Saint', a typographic apostrophe as
    a plain one ('St. Kitts & Nevis' and 'Saint Kitts and Nevis' both give 'saint kitts and
    nevis'; 'Côte d’Ivoire' gives "cote d'ivoire"). -#}
{% macro ga4_country_name_key(expression) -%}
    regexp_replace(
        replace(replace(lower(strip_accents(trim({{ expression }}))), '’', ''''), '&', 'and'),
        '^st[.] ',
        'saint '
    )
{%- endmacro %}
