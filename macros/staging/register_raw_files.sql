{#- on-run-start: finds each raw table's file in RAW_DATA_DIR, checks it against the contract and
    makes it a relation of the source's schema (`shop.<table>`), before any model runs. So that
    source('shop', ...) reads a file of either format, a missing optional table, or a file
    without an optional column, the same way on every engine:
    - a table is `<table>.parquet` or `<table>.csv` (header row); the format is found per table,
      so a folder may hold Parquet only, CSV only or both (RAW_DATA_FORMAT forces one format);
    - a table with meta.optional (events, feedback, ...) may be absent or an empty file: it is
      then an empty relation with the contract's columns, and the run says so once;
    - a column that is not meta.required may be absent from the file: it is then null, and
      staging applies the default its description documents;
    - anything else that is missing stops the run with one message naming the folder, every
      missing file (with the names and formats looked for) and every missing column.
    The relation has exactly the contract's columns, in contract order. The folder is only read. -#}
{% macro register_raw_files() -%}
    {{ return(adapter.dispatch('register_raw_files', 'latam_engagement')()) }}
{%- endmacro %}

{% macro default__register_raw_files() -%}
    select 1
{%- endmacro %}

{#- The commands that read sources (and so run the hook). -#}
{% macro raw_files_are_read() -%}
    {{ return(execute and flags.WHICH in ('run', 'build', 'test', 'seed', 'snapshot', 'freshness')) }}
{%- endmacro %}

{#- The formats looked for, in order: RAW_DATA_FORMAT when set, else both. -#}
{% macro raw_file_formats() -%}
    {%- set forced = raw_data_format() -%}
    {%- if forced == 'auto' -%}
        {{ return(['parquet', 'csv']) }}
    {%- elif forced in ('parquet', 'csv') -%}
        {{ return([forced]) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("RAW_DATA_FORMAT must be parquet or csv (or unset, to detect the format of each file), not '" ~ forced ~ "'") }}
{%- endmacro %}

{#- The shop source's tables, in name order. -#}
{% macro raw_source_tables() -%}
    {{ return(graph.sources.values() | selectattr('source_name', 'equalto', 'shop') | sort(attribute='name') | list) }}
{%- endmacro %}

{% macro duckdb__register_raw_files() -%}
    {%- if raw_files_are_read() -%}
        {%- set raw_dir = raw_data_dir() -%}
        {%- set formats = raw_file_formats() -%}
        {%- set fed = adapter_fed_tables() -%}
        {%- set dir_found = run_query("select count(*) from glob('" ~ raw_dir ~ "/*')").columns[0].values()[0] -%}
        {%- if dir_found == 0 and raw_required_tables() | reject('in', fed) | list -%}
            {{ exceptions.raise_compiler_error(
                "RAW_DATA_DIR=" ~ raw_dir ~ " holds no files (or does not exist). The raw data contract "
                ~ "(docs/raw_contract.md) needs one file per table, <table>.parquet or <table>.csv with a header row: "
                ~ raw_required_tables() | join(', ') ~ " (required); " ~ raw_optional_tables() | join(', ') ~ " (optional).") }}
        {%- endif -%}
        {%- set problems = [] -%}
        {%- set chosen = [] -%}
        {%- set empty = [] -%}
        {%- set views = [] -%}
        {%- for node in raw_source_tables() -%}
            {%- set found = [] -%}
            {%- if node.name in fed -%}
                {#- read from the adapter's model instead (macro contract_source): an empty relation here -#}
                {%- do views.append((node, none, none, [])) -%}
            {%- endif -%}
            {%- for file_format in formats if node.name not in fed -%}
                {%- set path = raw_dir ~ '/' ~ node.name ~ '.' ~ file_format -%}
                {%- set sizes = run_query("select size from read_blob('" ~ path ~ "')") if run_query("select count(*) from glob('" ~ path ~ "')").columns[0].values()[0] > 0 else none -%}
                {%- if sizes is not none -%}
                    {%- do found.append({'path': path, 'format': file_format, 'size': sizes.columns[0].values()[0]}) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if node.name in fed -%}
            {%- elif found | length > 1 -%}
                {%- do problems.append("both " ~ found | map(attribute='path') | join(' and ') ~ ": remove one, or set RAW_DATA_FORMAT to choose") -%}
            {%- elif found | length == 0 or found[0].size == 0 -%}
                {%- if node.meta.get('optional') -%}
                    {%- do empty.append(node.name ~ (" (" ~ found[0].path ~ " is empty)" if found else "")) -%}
                    {%- do views.append((node, none, none, [])) -%}
                {%- elif found -%}
                    {%- do problems.append(found[0].path ~ " is an empty file: the table " ~ node.name ~ " is required") -%}
                {%- else -%}
                    {%- do problems.append("missing " ~ node.name ~ ": looked for " ~ raw_dir ~ "/" ~ node.name ~ "." ~ formats | join(' and ' ~ raw_dir ~ '/' ~ node.name ~ '.')) -%}
                {%- endif -%}
            {%- else -%}
                {%- set file = found[0] -%}
                {%- set described = run_query("describe select * from " ~ raw_file_reader(file.path, file.format)) -%}
                {%- set present = described.columns[0].values() | map('lower') | list -%}
                {%- set column_problems = raw_file_column_problems(node, file.path, present) -%}
                {%- do problems.extend(column_problems) -%}
                {%- do chosen.append(node.name ~ "." ~ file.format) -%}
                {%- do views.append((node, file.path, file.format, present)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do raise_raw_file_problems(raw_dir, problems) -%}
        {%- set format_problems = [] -%}
        {%- for node, path, file_format, present in views if path is not none -%}
            {%- do format_problems.extend(raw_timestamp_format_problems(node, raw_file_reader(path, file_format), path, present)) -%}
        {%- endfor -%}
        {%- do raise_timestamp_format_problems(format_problems) -%}
        {%- do check_pii_hash_salt() -%}
        {%- do run_query("create schema if not exists " ~ adapter.quote(raw_source_tables()[0].schema)) -%}
        {#- run_query, not a statement block: it opens no transaction, which the hook would never commit -#}
        {%- for node, path, file_format, present in views -%}
            {%- do run_query("create or replace view " ~ adapter.quote(node.schema) ~ "." ~ adapter.quote(node.identifier)
                ~ " as " ~ raw_relation_select(node, path, file_format, present)) -%}
        {%- endfor -%}
        {%- do log("Raw files in " ~ raw_dir ~ ": " ~ (chosen | join(', ') or 'none')
            ~ ((". Optional tables absent or empty, read as empty: " ~ empty | join(', ')) if empty else ""), info=True) -%}
        {%- for system in adapter_systems_in_use() -%}
            {%- do register_adapter_files(system) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- How DuckDB reads one raw file: Parquet with its types, CSV as text (staging parses); `table`:
    `path` is a relation already (Spark's external table over the file). -#}
{% macro raw_file_reader(path, file_format) -%}
    {%- if file_format == 'table' -%}
        {{ path }}
    {%- elif file_format == 'csv' -%}
        read_csv('{{ path }}', header = true, all_varchar = true, quote = '"', escape = '"')
    {%- else -%}
        read_parquet('{{ path }}')
    {%- endif -%}
{%- endmacro %}

{#- The select behind a raw relation: the contract's columns of the file, null (as text) for an
    optional column the file lacks; no rows for an absent optional table (path none). -#}
{% macro raw_relation_select(node, path, file_format, present) -%}
    select
    {%- for column in node.columns.keys() %}
        {% if path is not none and column in present -%}
            {{ adapter.quote(column) }}
        {%- else -%}
            cast(null as {{ dbt.type_string() }}) as {{ adapter.quote(column) }}
        {%- endif %}{{ "," if not loop.last }}
    {%- endfor %}
    {% if path is not none -%}
    from {{ raw_file_reader(path, file_format) }}
    {%- else -%}
    where 1 = 0
    {%- endif %}
{%- endmacro %}

{% macro raw_required_tables() -%}
    {{ return(raw_source_tables() | rejectattr('meta.optional') | map(attribute='name') | list) }}
{%- endmacro %}

{% macro raw_optional_tables() -%}
    {{ return(raw_source_tables() | selectattr('meta.optional') | map(attribute='name') | list) }}
{%- endmacro %}

{#- The required contract columns missing from a raw file (`present`: its column names, lower
    case), as a list of at most one problem line. A column that is not required may be absent. -#}
{% macro raw_file_column_problems(node, path, present) -%}
    {%- set missing = [] -%}
    {%- for name, column in node.columns.items() if name | lower not in present and column.meta.get('required') -%}
        {%- do missing.append(name) -%}
    {%- endfor -%}
    {{ return([path ~ " lacks column(s) " ~ missing | join(', ')] if missing else []) }}
{%- endmacro %}

{#- Rows of a raw file whose timestamps are checked for their format: enough to tell a format
    apart, few enough to cost nothing on a file of millions of rows. -#}
{% macro raw_timestamp_sample_rows() -%}
    {{ return(10000) }}
{%- endmacro %}

{#- The timestamp (and date) columns of a raw file most of whose values, in its first
    raw_timestamp_sample_rows() rows, do not parse: a format staging does not understand (e.g.
    DD/MM/YYYY), which would reject the whole column row by row. One problem line per column,
    naming the file, the column, the count and a sample value. `relation` reads the file. -#}
{% macro raw_timestamp_format_problems(node, relation, path, present) -%}
    {%- set columns = [] -%}
    {%- for name, column in node.columns.items()
        if name | lower in present and (column.data_type or '') | lower in ('timestamp', 'date') -%}
        {%- do columns.append(name) -%}
    {%- endfor -%}
    {%- if not columns -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set counted -%}
        select
        {%- for name in columns %}
            sum(case when not {{ is_blank(adapter.quote(name)) }} then 1 else 0 end),
            sum(case when {{ did_not_parse(adapter.quote(name), parse_timestamp_utc(adapter.quote(name))) }} then 1 else 0 end),
            min(case when {{ did_not_parse(adapter.quote(name), parse_timestamp_utc(adapter.quote(name))) }}
                then cast({{ adapter.quote(name) }} as {{ dbt.type_string() }}) end){{ "," if not loop.last }}
        {%- endfor %}
        from (select * from {{ relation }} limit {{ raw_timestamp_sample_rows() }}) as sampled
    {%- endset -%}
    {%- set row = run_query(counted).rows[0] -%}
    {%- set problems = [] -%}
    {%- for name in columns -%}
        {%- set values, unparsed, sample = row[3 * loop.index0] or 0, row[3 * loop.index0 + 1] or 0, row[3 * loop.index0 + 2] -%}
        {%- if unparsed > 0 and unparsed * 2 > values -%}
            {%- do problems.append(path ~ ", column " ~ name ~ ": " ~ unparsed ~ " of " ~ values
                ~ " values (in the first " ~ raw_timestamp_sample_rows() ~ " rows) are not in a timestamp format the build understands, e.g. '"
                ~ sample ~ "'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}

{#- Stops the run, before any model, when a timestamp column of a raw file is mostly in a format
    staging cannot parse. -#}
{% macro raise_timestamp_format_problems(problems) -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "Unparseable timestamp format in the raw files: every such row would be rejected.\n  - "
            ~ problems | join("\n  - ")
            ~ "\nFormats understood: " ~ timestamp_formats_understood()
            ~ ". Export the column in one of these formats (a day-first or month-first date such as 31/01/2024 "
            ~ "is ambiguous and is not guessed); see docs/raw_contract.md.") }}
    {%- endif -%}
{%- endmacro %}

{#- Stops the run with one message naming every problem of the raw files, if there is any. -#}
{% macro raise_raw_file_problems(raw_dir, problems) -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "The raw files in RAW_DATA_DIR=" ~ raw_dir ~ " do not meet the raw data contract "
            ~ "(models/staging/shop/_shop__sources.yml, docs/raw_contract.md):\n  - " ~ problems | join("\n  - ")
            ~ "\nEach table is <table>.parquet or <table>.csv (header row); required: " ~ raw_required_tables() | join(', ')
            ~ "; optional (may be absent): " ~ raw_optional_tables() | join(', ') ~ "."
        ) }}
    {%- endif -%}
{%- endmacro %}

{#- On Spark, a source is a table of the metastore: each raw file becomes an external table
    (`using parquet` or `csv`, `location` the file) in the source's schema, dropped and created
    again on every run (dropping an external table leaves its file alone). Spark SQL cannot look
    at a folder, so `engagement-warehouse spark-build` finds the files first (the same rules,
    in Python: engagement_warehouse/raw_files.py) and passes each table's format, or `absent`,
    in RAW_FILE_FORMATS; an absent optional table becomes an empty table of text columns, and an
    optional column a file lacks is null, through a view over the file. -#}
{% macro spark__register_raw_files() -%}
    {%- if raw_files_are_read() -%}
        {%- if adapter_systems_in_use() -%}
            {{ exceptions.raise_compiler_error("Source adapters (" ~ adapter_systems_in_use() | join(', ')
                ~ ") run on DuckDB only for now: on Spark, every area reads the raw contract's own files "
                ~ "(set orders_source, events_source and feedback_source to shop; docs/adapters/)") }}
        {%- endif -%}
        {%- set raw_dir = raw_data_dir() -%}
        {%- if not (raw_dir.startswith('/') or '://' in raw_dir) -%}
            {#- Spark would resolve it against its warehouse folder, not the working directory -#}
            {{ exceptions.raise_compiler_error("On Spark, RAW_DATA_DIR must be an absolute path or a URI (hdfs://, s3a://, ...), not '" ~ raw_dir ~ "' (make build-spark makes it absolute)") }}
        {%- endif -%}
        {%- set given = {} -%}
        {%- for pair in env_var('RAW_FILE_FORMATS', '').split(',') if '=' in pair -%}
            {%- do given.update({pair.split('=')[0]: pair.split('=')[1]}) -%}
        {%- endfor -%}
        {%- set problems = [] -%}
        {%- set checked_files = [] -%}
        {%- set raw_tables = raw_source_tables() -%}
        {#- created only when missing: the metastore logs an error for `if not exists` on an existing schema -#}
        {%- for schema in raw_tables | map(attribute='schema') | unique -%}
            {%- if not adapter.check_schema_exists(target.database, schema) -%}
                {%- do run_query('create schema ' ~ schema) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for node in raw_tables -%}
            {%- set file_format = given.get(node.name, raw_file_formats()[0]) -%}
            {%- set relation = node.schema ~ '.' ~ node.identifier -%}
            {%- for identifier in [node.identifier, node.identifier ~ '__file'] -%}
                {%- set existing = adapter.get_relation(database=none, schema=node.schema, identifier=identifier) -%}
                {%- if existing is not none -%}
                    {%- do adapter.drop_relation(existing) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if file_format == 'absent' -%}
                {%- if not node.meta.get('optional') -%}
                    {%- do problems.append("missing " ~ node.name) -%}
                {%- endif -%}
                {%- call statement('create_raw_table') -%}
                    create view {{ relation }} as {{ raw_relation_select(node, none, none, []) }}
                {%- endcall -%}
            {%- else -%}
                {%- set path = raw_dir ~ '/' ~ node.name ~ '.' ~ file_format -%}
                {%- call statement('create_raw_table') -%}
                    create table {{ relation }}__file
                    using {{ file_format }}
                    {%- if file_format == 'csv' %}
                    -- every column as text (no inferSchema), as DuckDB's all_varchar
                    options (header 'true', quote '"', escape '"')
                    {%- endif %}
                    location '{{ path }}'
                {%- endcall -%}
                {%- set described = run_query('describe table ' ~ relation ~ '__file') -%}
                {%- set present = described.columns[0].values() | map('lower') | list -%}
                {%- do problems.extend(raw_file_column_problems(node, path, present)) -%}
                {%- call statement('create_raw_view') -%}
                    create view {{ relation }} as
                    {{ raw_relation_select(node, relation ~ '__file', 'table', present) }}
                {%- endcall -%}
                {%- do checked_files.append((node, relation ~ '__file', path, present)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do raise_raw_file_problems(raw_dir, problems) -%}
        {%- set format_problems = [] -%}
        {%- for node, relation, path, present in checked_files -%}
            {%- do format_problems.extend(raw_timestamp_format_problems(node, relation, path, present)) -%}
        {%- endfor -%}
        {%- do raise_timestamp_format_problems(format_problems) -%}
        {%- do check_pii_hash_salt() -%}
    {%- endif -%}
    select 1
{%- endmacro %}
