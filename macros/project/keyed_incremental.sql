{#- The materialization of the models that an incremental run updates row by row (rows replaced
    by key, and hooks that delete rows that no longer exist): incremental, delete+insert, on both
    engines. On Spark, whose tables are plain Parquet (Delta Lake, Iceberg and Hudi need jars from
    Maven), delete+insert and the hooks' deletes (macro delete_where) rewrite the table
    (macros/spark/delete_insert_by_rewrite.sql). A model whose incremental SQL has no Spark path
    passes the reason, and is rebuilt in full there (table), which gives the rows of a full
    refresh. -#}
{% macro keyed_incremental_materialization(table_on_spark_because=none) -%}
    {{ return('table' if target.type == 'spark' and table_on_spark_because else 'incremental') }}
{%- endmacro %}
