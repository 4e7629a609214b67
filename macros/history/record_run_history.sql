{#- on-run-end: appends this invocation to the history tables (history_tables) from dbt's
    `results`: the run, each node's status and timing, each data test's status and failures count
    (never its failing rows), then the row count of every raw source table and every built mart and
    the newest timestamp of every source with a loaded_at_field. A relation that does not exist
    (a failed or unselected model, a source whose file is missing) is left out, not an error.
    DuckDB only, like create_history_tables. -#}
{% macro record_run_history(results) -%}
    {{ return(adapter.dispatch('record_run_history', 'latam_engagement')(results)) }}
{%- endmacro %}

{% macro default__record_run_history(results) -%}
    select 1
{%- endmacro %}

{% macro duckdb__record_run_history(results) -%}
    {%- if execute and flags.WHICH in ('run', 'build', 'test', 'seed', 'snapshot') -%}
        {%- set schema = history_schema() -%}
        {%- set run_id = history_literal(invocation_id) -%}
        {%- set started = "cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp)" -%}
        {%- set ended = "cast('" ~ modules.datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp)" -%}
        {%- set node_rows = [] -%}
        {%- set test_rows = [] -%}
        {%- set counts = {'error': 0, 'fail': 0, 'warn': 0} -%}
        {%- for result in results -%}
            {%- set node = result.node -%}
            {%- set status = result.status | string -%}
            {%- if status in counts -%}
                {%- do counts.update({status: counts[status] + 1}) -%}
            {%- endif -%}
            {%- set timing = result.timing | selectattr('name', 'equalto', 'execute') | list -%}
            {%- do node_rows.append([
                run_id, history_literal(node.unique_id), history_literal(node.resource_type),
                history_literal(node.name), history_literal(status),
                result.execution_time if result.execution_time is not none else 'null',
                history_time(timing[0].started_at if timing else none),
                history_time(timing[0].completed_at if timing else none),
            ] | join(', ')) -%}
            {%- if node.resource_type in ('test', 'unit_test') -%}
                {%- set attached = node.attached_node or (node.depends_on.nodes | last if node.depends_on.nodes else none) -%}
                {%- do test_rows.append([
                    run_id, history_literal(node.unique_id), history_literal(node.name),
                    history_literal(attached.split('.') | last if attached else none),
                    history_literal(node.config.severity if node.resource_type == 'test' else 'error'),
                    history_literal(status),
                    result.failures if result.failures is not none else 'null',
                ] | join(', ')) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set run_status = 'error' if counts.error > 0 or counts.fail > 0 else 'success' -%}
        {%- do run_query('insert into ' ~ schema ~ '.dbt_runs values (' ~ [
            run_id, history_literal(flags.WHICH), history_literal(target.name), started, ended,
            history_literal(run_status), results | length, counts.error, counts.fail, counts.warn,
        ] | join(', ') ~ ')') -%}
        {%- for batch in node_rows | batch(500) -%}
            {%- do run_query('insert into ' ~ schema ~ '.node_results values (' ~ batch | join('), (') ~ ')') -%}
        {%- endfor -%}
        {%- for batch in test_rows | batch(500) -%}
            {%- do run_query('insert into ' ~ schema ~ '.test_results values (' ~ batch | join('), (') ~ ')') -%}
        {%- endfor -%}
        {%- set counted = [] -%}
        {%- set freshness = [] -%}
        {%- for source in graph.sources.values() | selectattr('source_name', 'equalto', 'shop') | sort(attribute='name') -%}
            {%- set relation = adapter.get_relation(source.database, source.schema, source.identifier) -%}
            {%- if relation is not none -%}
                {%- do counted.append("select 'source', '" ~ source.name ~ "', count(*) from " ~ relation) -%}
                {%- set loaded_at = source.loaded_at_field or source.config.get('loaded_at_field') -%}
                {%- if loaded_at and source.freshness and source.freshness.warn_after and source.freshness.warn_after.count -%}
                    {%- do freshness.append("select '" ~ source.name ~ "', max(" ~ loaded_at ~ ") from " ~ relation) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for node in graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') | sort(attribute='name')
            if node.fqn[1] == 'marts' -%}
            {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
            {%- if relation is not none -%}
                {%- do counted.append("select 'mart', '" ~ node.name ~ "', count(*) from " ~ relation) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if counted -%}
            {%- do run_query('insert into ' ~ schema ~ '.row_counts select ' ~ run_id ~ ', ' ~ ended
                             ~ ', * from (' ~ counted | join(' union all ') ~ ')') -%}
        {%- endif -%}
        {%- if freshness -%}
            {%- do run_query('insert into ' ~ schema ~ '.source_freshness select ' ~ run_id ~ ', ' ~ ended
                             ~ ', source_table, newest, datediff(\'second\', newest, ' ~ started ~ ') / 3600.0 from ('
                             ~ freshness | join(' union all ') ~ ') as newest_rows (source_table, newest)') -%}
        {%- endif -%}
        {#- dbt rolls back the connection's open transaction after the hook (opened by a query
            above): keep what was written, and leave a transaction open for dbt to end. -#}
        {%- do run_query('commit') -%}
        {%- do run_query('begin') -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- A SQL text literal of a value, or null. -#}
{% macro history_literal(value) -%}
    {{ return('null' if value is none else "'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- A SQL timestamp literal of a datetime (dbt's timings are UTC), or null. -#}
{% macro history_time(value) -%}
    {{ return('null' if value is none else "cast('" ~ value.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp)") }}
{%- endmacro %}
