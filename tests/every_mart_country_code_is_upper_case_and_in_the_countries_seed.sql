-- Every mart column named like a country code (country_code, *_country_code, country) holds
-- upper-case ISO codes of the countries seed only, so a BI filter on 'BR' finds every Brazilian
-- row. Null is allowed (a visitor without a country); so are the roll-up markers 'all' and
-- 'unknown' of regional_engagement (sub-region rows, never-identified visitors), and 'all' of
-- churn_model_evaluation (the metrics over every country), which name no country. One row per
-- mart, column and offending value.
{{ after_every_model() }}
{%- set roll_up_markers = {
    'regional_engagement': ['all', 'unknown'],
    'churn_model_evaluation': ['all'],
} -%}
{%- set checked = [] -%}
{%- for mart, relation, column in built_string_columns(layer='marts') -%}
    {%- if column | lower == 'country_code' or column | lower == 'country' or (column | lower).endswith('_country_code') -%}
        {%- do checked.append((mart, relation, column)) -%}
    {%- endif -%}
{%- endfor %}

with

countries as (
    select country_code from {{ ref('countries') }}
)

{% for mart, relation, column in checked -%}
    select
        '{{ mart }}' as mart,
        '{{ column }}' as column_name,
        values_found.country_code as offending_value,
        count(*) as rows_with_value
    from (select {{ column }} as country_code from {{ relation }}) as values_found
    left join countries on values_found.country_code = countries.country_code
    where
        values_found.country_code is not null
        {%- if roll_up_markers.get(mart) %}
        and values_found.country_code not in ('{{ roll_up_markers[mart] | join("', '") }}')
        {%- endif %}
        and (countries.country_code is null or values_found.country_code != upper(values_found.country_code))
    group by values_found.country_code
    {% if not loop.last %}union all{% endif %}
{% endfor %}
{%- if not checked %}
    select
        'none' as mart,
        'none' as column_name,
        'none' as offending_value,
        0 as rows_with_value
    from countries
    where 1 = 0
{%- endif %}
