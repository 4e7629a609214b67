{#- The run history (doc block run_history): tables of the schema `history` that each dbt command
    that runs nodes appends to in its on-run-end hook (record_run_history) and that no model
    writes, so a build never replaces them. The quality checkpoint appends to quality_results.
    Name -> columns, in order; created when absent at the start of every run (create_history_tables)
    so the anomaly view over them exists from the first build. Counts, timings, names and statuses
    only: no value of a row is ever kept. -#}
{% macro history_tables() -%}
    {{ return({
        'dbt_runs': [
            ('run_id', 'varchar'), ('command', 'varchar'), ('target_name', 'varchar'),
            ('started_at', 'timestamp'), ('ended_at', 'timestamp'), ('status', 'varchar'),
            ('nodes', 'integer'), ('errors', 'integer'), ('test_failures', 'integer'), ('warnings', 'integer'),
        ],
        'node_results': [
            ('run_id', 'varchar'), ('unique_id', 'varchar'), ('resource_type', 'varchar'), ('node_name', 'varchar'),
            ('status', 'varchar'), ('execution_seconds', 'double'),
            ('started_at', 'timestamp'), ('ended_at', 'timestamp'),
        ],
        'test_results': [
            ('run_id', 'varchar'), ('test_unique_id', 'varchar'), ('test_name', 'varchar'), ('model_name', 'varchar'),
            ('severity', 'varchar'), ('status', 'varchar'), ('failures', 'bigint'),
        ],
        'row_counts': [
            ('run_id', 'varchar'), ('measured_at', 'timestamp'), ('relation_kind', 'varchar'),
            ('table_name', 'varchar'), ('row_count', 'bigint'),
        ],
        'source_freshness': [
            ('run_id', 'varchar'), ('measured_at', 'timestamp'), ('source_table', 'varchar'),
            ('newest_loaded_at', 'timestamp'), ('lag_hours', 'double'),
        ],
        'quality_results': [
            ('run_id', 'varchar'), ('run_at', 'timestamp'), ('mart', 'varchar'), ('expectations', 'integer'),
            ('failed', 'integer'), ('error_failures', 'integer'), ('warning_failures', 'integer'),
        ],
    }) }}
{%- endmacro %}
