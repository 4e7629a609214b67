{#- The business time zone of a market (doc block business_timezone): the IANA name that var
    business_timezones gives the country code, else the countries seed's zone, else var
    business_timezone_default (a country or visitor without one). One definition for every
    staging model that derives local dates. -#}
{% macro business_timezone(country_code, seed_timezone) -%}
    {%- set overrides = var('business_timezones', {}) or {} -%}
    coalesce(
        {%- if overrides %}
        case upper({{ country_code }})
            {%- for code, zone in overrides.items() | sort %}
            when '{{ code | upper }}' then '{{ zone }}'
            {%- endfor %}
        end,
        {%- endif %}
        {{ seed_timezone }},
        '{{ var("business_timezone_default") }}'
    )
{%- endmacro %}

{#- The local date of a UTC timestamp in a market's business time zone. -#}
{% macro local_date(timestamp_utc, time_zone) -%}
    cast({{ utc_to_local(timestamp_utc, time_zone) }} as date)
{%- endmacro %}
