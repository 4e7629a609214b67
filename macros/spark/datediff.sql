{#- dbt-spark's datediff in microseconds reads the fraction of a second from the timestamp's text
    form and returns null when a timestamp has no fraction (the text has none). Spark counts
    microseconds itself (unix_micros), exactly as DuckDB's datediff does; every other datepart is
    dbt-spark's. -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- if datepart == 'microsecond' -%}
        (unix_micros(cast({{ second_date }} as timestamp)) - unix_micros(cast({{ first_date }} as timestamp)))
    {%- else -%}
        {{ dbt.spark__datediff(first_date, second_date, datepart) }}
    {%- endif -%}
{%- endmacro %}
