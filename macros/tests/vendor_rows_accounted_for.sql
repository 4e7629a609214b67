{#- Model-level test of a source adapter, on a vendor table (a source): fails, with the counts,
    unless every raw row is accounted for: raw rows = rows carried into contract rows (`carried`,
    a list of relations whose rows each come from one raw row) + rows folded into another row
    (`folded`, the same) + the table's rows in the adapter's rejected rows (`rejected`, rows
    whose source_table is `source_table`). -#}
{% test vendor_rows_accounted_for(model, source_table, rejected, carried=[], folded=[]) -%}
    {%- set parts = {'carried': carried, 'folded': folded} -%}
    with counts as (
        select
            (select count(*) from {{ model }}) as raw_rows,
            {%- for name, relations in parts.items() %}
            0
            {%- for relation in relations %}
            + (select count(*) from {{ relation }})
            {%- endfor %} as {{ name }}_rows,
            {%- endfor %}
            (select count(*) from {{ rejected }} where source_table = '{{ source_table }}') as rejected_rows
    )

    select *
    from counts
    where raw_rows <> carried_rows + folded_rows + rejected_rows
{%- endtest %}
