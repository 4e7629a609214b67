{#- on-run-start: checks, before any model runs, that every raw file of the contract exists and
    has every contract column, and stops the run with one message that names each missing file
    and column. Without it, a missing file surfaces as a database error deep in a model. -#}
{% macro check_raw_files() -%}
    {{ return(adapter.dispatch('check_raw_files', 'latam_engagement')()) }}
{%- endmacro %}

{% macro default__check_raw_files() -%}
    {#- Other engines read the landing files through their own external tables. -#}
    select 1
{%- endmacro %}

{#- On Spark, a source is a table of the metastore: each raw file becomes an external table
    (`using parquet` or `csv`, `location` the file in RAW_DATA_DIR) in the source's schema, so
    {{ source('shop', ...) }} reads the same files as on DuckDB (where dbt-duckdb's
    external_location reads them directly). This is what the dbt-external-tables package does
    (stage_external_sources); dbt packages are out of reach here, and these are eight plain tables.
    The tables are dropped and created again on every run: dropping an external table leaves its
    file alone, and a changed RAW_DATA_DIR or RAW_DATA_FORMAT takes effect at once. A missing
    contract column is reported like on DuckDB. Jinja cannot look at files, so a missing file
    stops the run on Spark's own error (UNABLE_TO_INFER_SCHEMA); `engagement-warehouse
    spark-build` checks the files before it starts dbt. -#}
{% macro spark__check_raw_files() -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'seed', 'snapshot', 'freshness') -%}
        {%- set raw_dir = raw_data_dir() -%}
        {%- set file_format = raw_data_format() -%}
        {%- if file_format not in ('parquet', 'csv') -%}
            {{ exceptions.raise_compiler_error("RAW_DATA_FORMAT must be parquet or csv, not '" ~ file_format ~ "'") }}
        {%- endif -%}
        {%- if not (raw_dir.startswith('/') or '://' in raw_dir) -%}
            {#- Spark would resolve it against its warehouse folder, not the working directory -#}
            {{ exceptions.raise_compiler_error("On Spark, RAW_DATA_DIR must be an absolute path or a URI (hdfs://, s3a://, ...), not '" ~ raw_dir ~ "' (make build-spark makes it absolute)") }}
        {%- endif -%}
        {%- set problems = [] -%}
        {%- set raw_tables = graph.sources.values() | selectattr('source_name', 'equalto', 'shop') | sort(attribute='name') | list -%}
        {#- created only when missing: the metastore logs an error for `if not exists` on an existing schema -#}
        {%- for schema in raw_tables | map(attribute='schema') | unique -%}
            {%- if not adapter.check_schema_exists(target.database, schema) -%}
                {%- do run_query('create schema ' ~ schema) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for node in raw_tables -%}
            {%- set path = raw_dir ~ '/' ~ node.name ~ '.' ~ file_format -%}
            {%- do run_query('drop table if exists ' ~ node.schema ~ '.' ~ node.identifier) -%}
            {%- call statement('create_raw_table') -%}
                create table {{ node.schema }}.{{ node.identifier }}
                using {{ file_format }}
                {%- if file_format == 'csv' %}
                -- every column as text (no inferSchema), as DuckDB's all_varchar
                options (header 'true', quote '"', escape '"')
                {%- endif %}
                location '{{ path }}'
            {%- endcall -%}
            {%- set described = run_query('describe table ' ~ node.schema ~ '.' ~ node.identifier) -%}
            {%- do problems.extend(raw_file_column_problems(node, path, described)) -%}
        {%- endfor -%}
        {%- do raise_raw_file_problems(raw_dir, file_format, problems) -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro duckdb__check_raw_files() -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'seed', 'snapshot') -%}
        {%- set raw_dir = raw_data_dir() -%}
        {%- set file_format = raw_data_format() -%}
        {%- if file_format not in ('parquet', 'csv') -%}
            {{ exceptions.raise_compiler_error("RAW_DATA_FORMAT must be parquet or csv, not '" ~ file_format ~ "'") }}
        {%- endif -%}
        {%- set problems = [] -%}
        {%- for node in graph.sources.values() | sort(attribute='name') if node.source_name == 'shop' -%}
            {%- set path = raw_dir ~ '/' ~ node.name ~ '.' ~ file_format -%}
            {%- set found = run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] -%}
            {%- if found == 0 -%}
                {%- do problems.append("missing file " ~ path) -%}
            {%- else -%}
                {%- set described = run_query("describe select * from " ~ node.meta.external_location.replace('{name}', node.name)) -%}
                {%- do problems.extend(raw_file_column_problems(node, path, described)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do raise_raw_file_problems(raw_dir, file_format, problems) -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- The contract columns of a raw table that `described` (the result of a describe of its file)
    lacks, as a list of at most one problem line. -#}
{% macro raw_file_column_problems(node, path, described) -%}
    {%- set present = described.columns[0].values() | map('lower') | list -%}
    {%- set missing = [] -%}
    {%- for column in node.columns.keys() if column not in present -%}
        {%- do missing.append(column) -%}
    {%- endfor -%}
    {{ return([path ~ " lacks column(s) " ~ missing | join(', ')] if missing else []) }}
{%- endmacro %}

{#- Stops the run with one message naming every problem of the raw files, if there is any. -#}
{% macro raise_raw_file_problems(raw_dir, file_format, problems) -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "The raw files in RAW_DATA_DIR=" ~ raw_dir ~ " (format " ~ file_format ~ ") do not meet the raw data contract "
            ~ "(models/staging/shop/_shop__sources.yml, docs/raw_contract.md):\n  - " ~ problems | join("\n  - ")
        ) }}
    {%- endif -%}
{%- endmacro %}
