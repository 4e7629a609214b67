{#- On a vendor table of a source adapter (models/staging/<system>/): fails (one row with the
    counts) unless every raw row is accounted for: raw rows = rows the adapter carries into a
    contract model (`carried`) + rows folded into another row (`folded`, optional) + rows of the
    adapter's rejected-rows model for this table (`rejected`, rows whose source_table is
    `source_table`). -#}
{% test vendor_rows_accounted_for(model, carried, rejected, source_table, folded=none) -%}
    with counts as (
        select
            (select count(*) from {{ model }}) as raw_rows,
            (select count(*) from {{ carried }}) as carried_rows,
            {% if folded is not none -%}
            (select count(*) from {{ folded }})
            {%- else -%}
            0
            {%- endif %} as folded_rows,
            (select count(*) from {{ rejected }} where source_table = '{{ source_table }}') as rejected_rows
    )

    select *
    from counts
    where raw_rows <> carried_rows + folded_rows + rejected_rows
{%- endtest %}
