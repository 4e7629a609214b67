{#- Whether a relation has more rows than another (counted with run_query when called at run time,
    e.g. while a hook renders): a hook that deletes the rows of a table missing from another,
    when every row of the other is known to be in the table, has nothing to delete unless the
    table has more rows, and skips its anti join then. True when not executing (parsing), so
    that the statement it guards is rendered. -#}
{% macro rows_outnumber(relation, other) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(run_query(
        'select (select count(*) from ' ~ relation ~ ') > (select count(*) from ' ~ other ~ ')'
    ).columns[0].values()[0]) }}
{%- endmacro %}
