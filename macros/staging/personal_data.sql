{#- Personal data (LGPD / GDPR). Clear values stay in staging; later layers use salted SHA-256
    hashes, which let them count distinct people without holding the data. dbt.hash is an
    unsalted md5 and does not serve. The salt comes from the PII_HASH_SALT environment
    variable, read by the engine at run time (macro pii_hash_salt_sql). -#}

{% macro normalize_email(expression) -%}
    case
        when {{ clean_text(expression) }} like '%_@_%' then lower({{ clean_text(expression) }})
    end
{%- endmacro %}

{#- Digits only; fewer than 7 digits is not a phone number. -#}
{% macro normalize_phone(expression) -%}
    case
        when length({{ regexp_replace_all(clean_text(expression), '[^0-9]', '') }}) >= 7
            then {{ regexp_replace_all(clean_text(expression), '[^0-9]', '') }}
    end
{%- endmacro %}

{#- Every raw customer row (every version, rejected ones included) with its cleaned id and
    normalised e-mail and phone: what erasure matches persons on, before staging exists. -#}
{% macro raw_customer_contacts() -%}
    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ normalize_email('email') }} as email,
        {{ normalize_phone('phone') }} as phone
    from {{ ref('base_shop__raw_customers') }}
{%- endmacro %}

{#- Salted SHA-256 of a normalised value; null stays null. -#}
{% macro hash_personal_data(expression) -%}
    case
        when {{ expression }} is not null
            then {{ sha256(pii_hash_salt_sql() ~ " || '|' || " ~ expression) }}
    end
{%- endmacro %}

{#- The customer id as later layers see it: an erased customer's id is replaced by a stable
    pseudonymous token, so their orders still count but nothing leads back to the person. -#}
{% macro pseudonymous_customer_id(customer_id, is_erased) -%}
    case
        when {{ is_erased }}
            then 'erased_' || substr({{ hash_personal_data(customer_id) }}, 1, 20)
        else {{ customer_id }}
    end
{%- endmacro %}

{#- The shapes of contact details inside text, written once for the masks and the tests that
    look for leaks. -#}
{% macro email_address_pattern() -%}
    {{ return('[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}') }}
{%- endmacro %}

{#- Any run of 8 or more digits, spaces, dots, dashes or brackets, starting with a digit or +. -#}
{% macro phone_like_pattern() -%}
    {{ return('\\+?[0-9][0-9 ().-]{6,}[0-9]') }}
{%- endmacro %}

{#- A + with a country code and at least 8 more digits: an international phone number, never a
    product or order number. -#}
{% macro international_phone_pattern() -%}
    {{ return('\\+[0-9]{1,3}[ .()-]*[0-9][0-9 .()-]{7,}[0-9]') }}
{%- endmacro %}

{#- Masks e-mail addresses and phone-like digit runs inside free text. -#}
{% macro mask_contact_details(expression) -%}
    {{ regexp_replace_all(mask_email_addresses(expression), phone_like_pattern(), '[phone]') }}
{%- endmacro %}

{#- Masks e-mail addresses inside text, also URL-encoded ones (%40 for @, as in a page path). -#}
{% macro mask_email_addresses(expression) -%}
    {{ regexp_replace_all(expression, email_address_pattern() | replace('@', '(@|%40)'), '[email]') }}
{%- endmacro %}

{#- Tracking text (a page path, a campaign name, event properties): e-mail addresses and
    international phone numbers are masked always; other phone-like digit runs only on an erased
    customer's rows, since elsewhere they are far more often product or order numbers. -#}
{% macro mask_contact_details_in_tracking(expression, is_erased) -%}
    case
        when {{ is_erased }} then {{ mask_contact_details(expression) }}
        {#- LIKE first: a substring test is several times cheaper than the regular expression, and
            it is false on almost every row ('40' stands in for '%40': a wildcard in LIKE) -#}
        when {{ expression }} like '%@%' or {{ expression }} like '%40%' or {{ expression }} like '%+%'
            then case
                when {{ regexp_contains(expression, '@|%40|\\+[0-9]') }}
                    then {{ regexp_replace_all(mask_email_addresses(expression), international_phone_pattern(), '[phone]') }}
                else {{ expression }}
            end
        else {{ expression }}
    end
{%- endmacro %}
