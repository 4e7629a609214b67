{#- The materialization of the models that an incremental run updates row by row
    (base_shop__events, int_events_sessionized, fct_sessions: rows replaced by key, and a
    delete of rows that no longer exist). On DuckDB: incremental, delete+insert. On Spark the
    tables are plain Parquet, which has no row-level delete or merge (that needs Delta Lake,
    Iceberg or Hudi, whose jars are not on PyPI: Spark would fetch them from Maven at start-up),
    and insert_overwrite replaces whole partitions, while these runs replace single events and
    sessions anywhere in the history; so on Spark these models are rebuilt in full every run
    (table), which gives the rows of a full refresh. With Delta Lake on the cluster, this is the
    place to return 'incremental' and use the merge strategy. -#}
{% macro keyed_incremental_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
