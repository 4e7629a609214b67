{#- The bucket of a key for an incremental model's change detection: its grouping_hash modulo a
    fixed number of buckets. Per-bucket figures (rows, sum of the keys' hashes) group into far
    fewer groups than the keys, so comparing them narrows a change down to a few buckets, whose
    keys are then compared one by one. 2^20 buckets keep a day's changes (tens of thousands of
    keys at scale 1) within a few percent of the buckets. The bucket is not stored anywhere:
    the number can change between runs. -#}
{% macro key_hash_bucket(expression) -%}
    ({{ grouping_hash(expression) }}) % 1048576
{%- endmacro %}
