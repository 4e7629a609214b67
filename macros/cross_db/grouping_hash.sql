{#- A fast 64-bit hash of a value, to find candidate groups (for example keys that occur more than
    once) with integer hashing instead of string comparison. Different values can share a hash,
    so use it to narrow a search and then compare the values themselves; it is not salted and not
    for personal data (use sha256 with a salt for that). -#}
{% macro grouping_hash(expression) -%}
    {{ return(adapter.dispatch('grouping_hash', 'latam_engagement')(expression)) }}
{%- endmacro %}

{% macro default__grouping_hash(expression) -%}
    {{ dbt.hash(expression) }}
{%- endmacro %}

{% macro duckdb__grouping_hash(expression) -%}
    hash({{ expression }})
{%- endmacro %}

{% macro spark__grouping_hash(expression) -%}
    xxhash64({{ expression }})
{%- endmacro %}
