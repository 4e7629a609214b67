{#- Settings that come from the environment, read in one place. (dbt does not render
    env_var() inside dbt_project.yml vars, so these are macros.) The on-run-start hook
    register_raw_files reads the files with them. -#}

{% macro raw_data_dir() -%}
    {{ return(env_var('RAW_DATA_DIR', 'data/raw')) }}
{%- endmacro %}

{#- auto (unset): each table's format is found from its file. -#}
{% macro raw_data_format() -%}
    {{ return(env_var('RAW_DATA_FORMAT', '') or 'auto') }}
{%- endmacro %}

{#- The default is for the demo data only: anyone with this repository can recompute hashes made
    with it, so check_pii_hash_salt refuses it on any other data. -#}
{% macro pii_hash_salt() -%}
    {{ return(env_var('PII_HASH_SALT', '') or demo_pii_hash_salt()) }}
{%- endmacro %}

{% macro demo_pii_hash_salt() -%}
    {{ return('demo-salt-change-me') }}
{%- endmacro %}

{#- The file the demo data generator writes beside the raw files it made (engagement-warehouse
    generate): raw data without it is a retailer's own. -#}
{% macro demo_data_marker() -%}
    {{ return(raw_data_dir() ~ '/_generation.json') }}
{%- endmacro %}

{#- True when RAW_DATA_DIR holds data the project's generator wrote. DuckDB looks for the marker
    file; engines that cannot look at files are told by engagement-warehouse spark-build
    (RAW_DATA_IS_DEMO). -#}
{% macro is_demo_raw_data() -%}
    {{ return(adapter.dispatch('is_demo_raw_data', 'latam_engagement')()) }}
{%- endmacro %}

{% macro default__is_demo_raw_data() -%}
    {{ return(env_var('RAW_DATA_IS_DEMO', 'false') == 'true') }}
{%- endmacro %}

{% macro duckdb__is_demo_raw_data() -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(run_query("select count(*) from glob('" ~ demo_data_marker() ~ "')").columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- Stops the run when real data would be hashed with the demo salt. -#}
{% macro check_pii_hash_salt() -%}
    {%- if pii_hash_salt() == demo_pii_hash_salt() and not is_demo_raw_data() -%}
        {{ exceptions.raise_compiler_error(
            "PII_HASH_SALT is " ~ ("not set" if not env_var('PII_HASH_SALT', '') else "the demo salt") ~ ", and RAW_DATA_DIR="
            ~ raw_data_dir() ~ " is not demo data (no " ~ demo_data_marker() ~ "). The demo salt is public: anyone with this "
            ~ "repository could recompute the e-mail and phone hashes from a list of addresses. Set PII_HASH_SALT to a secret "
            ~ "of your own (for example the output of `openssl rand -hex 32`), keep it the same from build to build (changing it "
            ~ "changes every hash) and keep it out of version control.") }}
    {%- endif -%}
{%- endmacro %}
