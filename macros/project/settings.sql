{#- Settings that come from the environment, read in one place. (dbt does not render
    env_var() inside dbt_project.yml vars, so these are macros.) The sources YAML reads
    RAW_DATA_DIR and RAW_DATA_FORMAT itself, with the same defaults. -#}

{% macro raw_data_dir() -%}
    {{ return(env_var('RAW_DATA_DIR', 'data/raw')) }}
{%- endmacro %}

{% macro raw_data_format() -%}
    {{ return(env_var('RAW_DATA_FORMAT', 'parquet')) }}
{%- endmacro %}

{#- The default is for the demo data only. -#}
{% macro pii_hash_salt() -%}
    {{ return(env_var('PII_HASH_SALT', 'demo-salt-change-me')) }}
{%- endmacro %}
