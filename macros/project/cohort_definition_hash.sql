{#- A fingerprint of a cohort definition's rule (every column but the description), so that an
    edited rule is recomputed from the start. -#}
{% macro cohort_definition_hash() -%}
    {{ dbt.hash(dbt.concat([
        'rule_kind', "'|'",
        "coalesce(signal, '')", "'|'",
        "coalesce(cast(window_days as " ~ dbt.type_string() ~ "), '')", "'|'",
        "coalesce(cast(prior_days as " ~ dbt.type_string() ~ "), '')", "'|'",
        "coalesce(cast(threshold as " ~ dbt.type_string() ~ "), '')"
    ])) }}
{%- endmacro %}
