{#- A regular expression as the body of a Spark SQL string literal. Spark's parser reads
    backslash escapes in string literals ('\+' becomes '+'), DuckDB's does not, so the patterns
    are written once in DuckDB's form (the regular expression itself) and their backslashes are
    doubled for Spark. -#}
{% macro spark_regex_literal(pattern) -%}
    {{ return(pattern | replace('\\', '\\\\')) }}
{%- endmacro %}
