-- No text column of any mart holds something shaped like an e-mail address or a phone number:
-- personal data stays in staging (the hashes later layers use are hex, without @ or +). One row
-- per mart, column and kind of match, with how many values matched. Phone: a + then a country
-- code and at least 8 more digits, spaces, dots, dashes or brackets between them (ids such as
-- C0001234 have no +).
{{ after_every_model() }}
{%- set email_pattern = email_address_pattern() -%}
{%- set phone_pattern = international_phone_pattern() -%}
{%- set checked = built_string_columns(layer='marts') %}

{% for mart, relation, column in checked -%}
    select
        '{{ mart }}' as mart,
        '{{ column }}' as column_name,
        case
            when {{ regexp_contains(column, email_pattern) }} then 'email'
            else 'phone'
        end as personal_data_kind,
        count(*) as matching_values
    from {{ relation }}
    where {{ regexp_contains(column, email_pattern) }} or {{ regexp_contains(column, phone_pattern) }}
    group by 3
    {% if not loop.last %}union all{% endif %}
{% endfor %}
{%- if not checked %}
    select
        'none' as mart,
        'none' as column_name,
        'none' as personal_data_kind,
        0 as matching_values
    where 1 = 0
{%- endif %}
