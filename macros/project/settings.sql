{#- Settings that come from the environment, read in one place. (dbt does not render
    env_var() inside dbt_project.yml vars, so these are macros.) The on-run-start hook
    register_raw_files reads the files with them. -#}

{#- The demo folder when RAW_DATA_DIR is not set: var raw_data_dir_default (dbt_project.yml), the
    one definition, which the Makefile and engagement_warehouse.raw_files read too. -#}
{% macro raw_data_dir() -%}
    {{ return(env_var('RAW_DATA_DIR', var('raw_data_dir_default'))) }}
{%- endmacro %}

{#- auto (unset): each table's format is found from its file. -#}
{% macro raw_data_format() -%}
    {{ return(env_var('RAW_DATA_FORMAT', '') or 'auto') }}
{%- endmacro %}

{#- The salt of the personal-data hashes as a SQL expression evaluated at run time, never its
    value: env_var() would write the secret into the compiled and run SQL, manifest.json,
    run_results.json, the docs and dbt.log (and dbt's partial-parse file). PII_HASH_SALT, else the
    demo salt, which check_pii_hash_salt refuses on data the generator did not write (anyone with
    this repository can recompute hashes made with it). -#}
{% macro pii_hash_salt_sql() -%}
    {{ return(adapter.dispatch('pii_hash_salt_sql', 'latam_engagement')()) }}
{%- endmacro %}

{#- DuckDB: the variable engagement_warehouse/pii_salt.py (a dbt-duckdb plugin of the profile)
    sets on every connection from PII_HASH_SALT. -#}
{% macro duckdb__pii_hash_salt_sql() -%}
    getvariable('pii_hash_salt')
{%- endmacro %}

{#- Spark: its parser replaces ${env:NAME} by the environment variable of the driver process
    (spark.sql.variable.substitute, on by default) before it parses the statement, so dbt only
    ever sees the reference. Unset, the reference stays as written; set empty, it is ''. In session
    mode the driver is the dbt process; on a cluster, set PII_HASH_SALT in the driver's environment. -#}
{% macro spark__pii_hash_salt_sql() -%}
    case
        when '${env:PII_HASH_SALT}' in ('', '$' || '{env:PII_HASH_SALT}')
            then '{{ demo_pii_hash_salt() }}'
        else '${env:PII_HASH_SALT}'
    end
{%- endmacro %}

{#- True in SQL when PII_HASH_SALT is set (not empty): the check says "not set" or "the demo salt". -#}
{% macro pii_hash_salt_is_set_sql() -%}
    {{ return(adapter.dispatch('pii_hash_salt_is_set_sql', 'latam_engagement')()) }}
{%- endmacro %}

{% macro duckdb__pii_hash_salt_is_set_sql() -%}
    coalesce(getvariable('pii_hash_salt_is_set'), false)
{%- endmacro %}

{% macro spark__pii_hash_salt_is_set_sql() -%}
    '${env:PII_HASH_SALT}' not in ('', '$' || '{env:PII_HASH_SALT}')
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

{#- Stops the run when real data would be hashed with the demo salt, and says so on every run
    that hashes demo data with it. Asks the engine at run time: the salt itself never passes
    through dbt. -#}
{% macro check_pii_hash_salt() -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set state = run_query("select " ~ pii_hash_salt_sql() ~ " is null as is_missing, "
        ~ pii_hash_salt_is_set_sql() ~ " as is_set, "
        ~ pii_hash_salt_sql() ~ " = '" ~ demo_pii_hash_salt() ~ "' as is_demo_salt") -%}
    {%- set is_missing, is_set, is_demo_salt = state.rows[0][0], state.rows[0][1], state.rows[0][2] -%}
    {%- set described = "PII_HASH_SALT is " ~ ("the demo salt" if is_set else "not set") -%}
    {%- if is_missing -%}
        {{ exceptions.raise_compiler_error(
            "The salt of the personal-data hashes is not available to the SQL: the DuckDB profile must load the plugin "
            ~ "engagement_warehouse.pii_salt (plugins: - module: engagement_warehouse.pii_salt, as in profiles.yml), "
            ~ "which gives every connection the variable pii_hash_salt from PII_HASH_SALT.") }}
    {%- elif is_demo_salt and not is_demo_raw_data() -%}
        {{ exceptions.raise_compiler_error(
            described ~ ", and RAW_DATA_DIR="
            ~ raw_data_dir() ~ " is not demo data (no " ~ demo_data_marker() ~ "). The demo salt is public: anyone with this "
            ~ "repository could recompute the e-mail and phone hashes from a list of addresses. Set PII_HASH_SALT to a secret "
            ~ "of your own (for example the output of `openssl rand -hex 32`), keep it the same from build to build (changing it "
            ~ "changes every hash) and keep it out of version control.") }}
    {%- elif is_demo_salt -%}
        {%- do log("Warning: " ~ described ~ ": the personal data of the demo data in " ~ raw_data_dir()
            ~ " is hashed with the public demo salt (refused on any other data). Set PII_HASH_SALT to a secret of your "
            ~ "own before loading real customers.", info=True) -%}
    {%- endif -%}
{%- endmacro %}
