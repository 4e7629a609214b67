{#- dbt-spark's dateadd multiplies the interval without parentheses, so
    dateadd('week', 'n + 1', d) adds n + 7 days, and it goes through Unix seconds, dropping
    fractions of a second. Spark's timestampadd adds calendar units exactly as DuckDB's
    `+ interval` does (a month from January 31 is the last day of February); like DuckDB, it
    returns a timestamp for a date. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart | upper }}, cast(({{ interval }}) as bigint), {{ from_date_or_timestamp }})
{%- endmacro %}
