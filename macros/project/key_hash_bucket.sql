{#- The bucket of a key for an incremental model's change detection: its grouping_hash modulo a
    fixed number of buckets. Comparing per-bucket figures groups into far fewer groups than the
    keys (grouping by 2^20 buckets takes about a third of the time of grouping 6 million keys),
    and a changed bucket reloads its few keys whole. The number is fixed because the bucket is
    the model's unique key (a run deletes and reloads whole buckets): changing it needs a full
    refresh. 2^20 keeps a bucket at a few keys up to tens of millions of keys. -#}
{% macro key_hash_bucket(expression) -%}
    ({{ grouping_hash(expression) }}) % 1048576
{%- endmacro %}
