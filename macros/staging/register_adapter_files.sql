{#- Part of the on-run-start hook register_raw_files, for each source adapter in use (macro
    adapter_systems_in_use): finds each table of the system's source (models/staging/<system>/
    _<system>__sources.yml) in the system's folder (macro source_data_dir) and makes it the
    relation source('<system>', '<table>'), with exactly the YAML's columns. As for the contract's
    files:
    - a table is `<table>.<ext>`, or several files `<table>_*.<ext>` read as one (daily exports
      such as GA4's events_20240601); the table's meta.formats lists the formats looked for
      (default parquet, csv; jsonl: newline-delimited JSON, `.jsonl`, `.ndjson` or `.json`, with
      its nested fields);
    - a table with meta.optional may be absent or empty (an empty relation);
    - a column that is not meta.required may be absent (null, of its data_type);
    - anything else missing stops the run with one message naming the folder, every missing file
      and every missing column. The folder is only read. -#}
{% macro register_adapter_files(system) -%}
    {%- set folder = source_data_dir(system) -%}
    {%- set nodes = graph.sources.values() | selectattr('source_name', 'equalto', system) | sort(attribute='name') | list -%}
    {%- if not nodes -%}
        {{ exceptions.raise_compiler_error("The source adapter '" ~ system ~ "' is chosen but its source is not enabled: "
            ~ "dbt_project.yml must enable models/staging/" ~ system ~ " and the source " ~ system ~ " for it") }}
    {%- endif -%}
    {%- set problems = [] -%}
    {%- set views = [] -%}
    {%- set chosen = [] -%}
    {%- set empty = [] -%}
    {%- for node in nodes -%}
        {%- set found = [] -%}
        {%- for file_format in node.meta.get('formats', ['parquet', 'csv']) -%}
            {%- set matches = [] -%}
            {%- for extension in adapter_file_extensions(file_format) -%}
                {%- for pattern in [folder ~ '/' ~ node.identifier ~ '.' ~ extension, folder ~ '/' ~ node.identifier ~ '_*.' ~ extension] -%}
                    {%- if not matches and run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] > 0 -%}
                        {%- set size = run_query("select sum(size) from read_blob('" ~ pattern ~ "')").columns[0].values()[0] -%}
                        {%- do matches.append({'path': pattern, 'format': file_format, 'size': size}) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- do found.extend(matches) -%}
        {%- endfor -%}
        {%- if found | length > 1 -%}
            {%- do problems.append("both " ~ found | map(attribute='path') | join(' and ') ~ ": remove one") -%}
        {%- elif found | length == 0 or found[0].size == 0 -%}
            {%- if node.meta.get('optional') -%}
                {%- do empty.append(node.name) -%}
                {%- do views.append((node, none, none, [])) -%}
            {%- elif found -%}
                {%- do problems.append(found[0].path ~ " is empty: the table " ~ node.name ~ " is required") -%}
            {%- else -%}
                {%- set looked_for = [] -%}
                {%- for file_format in node.meta.get('formats', ['parquet', 'csv']) -%}
                    {%- for extension in adapter_file_extensions(file_format) -%}
                        {%- do looked_for.append(node.identifier ~ '.' ~ extension) -%}
                    {%- endfor -%}
                {%- endfor -%}
                {%- do problems.append("missing " ~ node.name ~ ": looked for " ~ looked_for | join(', ') ~ " (or daily files " ~ node.identifier ~ "_*.<ext>)") -%}
            {%- endif -%}
        {%- else -%}
            {%- set file = found[0] -%}
            {%- set described = run_query("describe select * from " ~ adapter_file_reader(file.path, file.format)) -%}
            {%- set present = described.columns[0].values() | map('lower') | list -%}
            {%- do problems.extend(raw_file_column_problems(node, file.path, present)) -%}
            {%- do chosen.append(file.path | replace(folder ~ '/', '')) -%}
            {%- do views.append((node, file.path, file.format, present)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error(
            "The " ~ system ~ " export in " ~ folder ~ " does not have the tables the " ~ system ~ " adapter reads "
            ~ "(models/staging/" ~ system ~ "/_" ~ system ~ "__sources.yml, docs/adapters/" ~ system ~ ".md):\n  - "
            ~ problems | join("\n  - ")
            ~ "\nPut the files in " ~ folder ~ " (RAW_DATA_DIR/" ~ system ~ ", or var source_data_dirs: {" ~ system ~ ": <folder>}).") }}
    {%- endif -%}
    {%- set format_problems = [] -%}
    {%- for node, path, file_format, present in views if path is not none -%}
        {%- do format_problems.extend(raw_timestamp_format_problems(node, adapter_file_reader(path, file_format, node), path, present)) -%}
    {%- endfor -%}
    {%- do raise_timestamp_format_problems(format_problems) -%}
    {%- for schema in nodes | map(attribute='schema') | unique -%}
        {%- do run_query("create schema if not exists " ~ adapter.quote(schema)) -%}
    {%- endfor -%}
    {%- for node, path, file_format, present in views -%}
        {%- do run_query("create or replace view " ~ adapter.quote(node.schema) ~ "." ~ adapter.quote(node.identifier)
            ~ " as " ~ adapter_relation_select(node, path, file_format, present)) -%}
    {%- endfor -%}
    {%- set fed_tables = [] -%}
    {%- for table_name, feeding in adapter_fed_tables().items() if feeding == system -%}
        {%- do fed_tables.append(table_name) -%}
    {%- endfor -%}
    {%- do log("The " ~ system ~ " adapter reads " ~ folder ~ ": " ~ (chosen | join(', ') or 'no files')
        ~ ((". Optional tables absent or empty, read as empty: " ~ empty | join(', ')) if empty else "")
        ~ ". It feeds the contract's " ~ fed_tables | join(', ') ~ ".", info=True) -%}
{%- endmacro %}

{#- The file name extensions of a format of an adapter's table. -#}
{% macro adapter_file_extensions(file_format) -%}
    {{ return({'parquet': ['parquet'], 'csv': ['csv'], 'jsonl': ['jsonl', 'ndjson', 'json']}[file_format]) }}
{%- endmacro %}

{#- How DuckDB reads a vendor file (or the files of a `_*` pattern, by column name): Parquet with
    its types, CSV as text, newline-delimited JSON with the YAML's types when `node` is given
    (timestamps and dates as text: the adapter parses them, so a bad value is a quarantined row, not
    a failed read), its own guesses otherwise. -#}
{% macro adapter_file_reader(path, file_format, node=none) -%}
    {%- if file_format == 'csv' -%}
        read_csv('{{ path }}', header = true, all_varchar = true, quote = '"', escape = '"', union_by_name = true)
    {%- elif file_format == 'jsonl' -%}
        read_json('{{ path }}', format = 'newline_delimited', union_by_name = true
        {%- if node is not none -%}
            , columns = { {%- for name, column in node.columns.items() -%}
                '{{ name }}': '{{ adapter_json_column_type(column) }}'{{ ", " if not loop.last }}
            {%- endfor -%} }
        {%- endif -%})
    {%- else -%}
        read_parquet('{{ path }}', union_by_name = true)
    {%- endif -%}
{%- endmacro %}

{% macro adapter_json_column_type(column) -%}
    {#- not lower-cased: JSON keys are case-sensitive, so a struct's field names (VTEX's
        currencyCode) must keep their case -#}
    {%- set data_type = column.data_type or 'varchar' -%}
    {{ return('varchar' if data_type | lower in ('timestamp', 'date', 'timestamptz') else data_type) }}
{%- endmacro %}

{#- The select behind a vendor table's relation: the YAML's columns, null (of its data_type) for
    a column the file lacks; no rows for an absent optional table (path none). -#}
{% macro adapter_relation_select(node, path, file_format, present) -%}
    select
    {%- for name, column in node.columns.items() %}
        {% if path is not none and (file_format == 'jsonl' or name | lower in present) -%}
            {{ adapter.quote(name) }}
        {%- else -%}
            cast(null as {{ adapter_json_column_type(column) if file_format == 'jsonl' else (column.data_type or dbt.type_string()) }}) as {{ adapter.quote(name) }}
        {%- endif %}{{ "," if not loop.last }}
    {%- endfor %}
    {% if path is not none -%}
    from {{ adapter_file_reader(path, file_format, node) }}
    {%- else -%}
    where 1 = 0
    {%- endif %}
{%- endmacro %}
