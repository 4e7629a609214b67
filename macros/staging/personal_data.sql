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

{#- Masks e-mail addresses and phone-like digit runs inside free text. -#}
{% macro mask_contact_details(expression) -%}
    {{ regexp_replace_all(
        regexp_replace_all(expression, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}', '[email]'),
        '\\+?[0-9][0-9 ().-]{6,}[0-9]', '[phone]'
    ) }}
{%- endmacro %}
