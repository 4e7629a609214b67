{#- Model-level, for an adapter's contract-shaped model: fails (one row with the counts) unless
    every raw row of the vendor table is accounted for: raw rows = rows carried (distinct
    `carried_key` values of the model) + rows folded into other rows (`folded`: a relation whose
    rows are counted, or an integer; 0 by default) + rows of `rejected` whose source_table is
    `source_table`. -#}
{% test vendor_rows_accounted_for(model, raw, carried_key, rejected, source_table, folded=0) -%}
    with counts as (
        select
            (select count(*) from {{ raw }}) as raw_rows,
            (select count(distinct {{ carried_key }}) from {{ model }}) as carried_rows,
            {% if folded is number %}{{ folded }}{% else %}(select count(*) from {{ folded }}){% endif %}
                as folded_rows,
            (
                select count(*) from {{ rejected }}
                where source_table = '{{ source_table }}'
            ) as rejected_rows
    )

    select *
    from counts
    where raw_rows <> carried_rows + folded_rows + rejected_rows
{%- endtest %}
