{#- Model-level, on an adapter's stg_<system>__rejected_rows: fails (one row with the three counts)
    unless every row of a vendor table is accounted for, raw rows = rows carried into the
    contract (`carried`, a relation, each row of which stands for one vendor row) + rows folded
    into others (`folded`, a relation or a number; default none) + rows rejected with
    source_table `source_table`. `raw_row_count` is an aggregate over `raw` (alias of the
    vendor relation `raw_relation`), for a vendor table nested in another (VTEX's order items:
    sum(len(raw.items))). -#}
{% test vendor_rows_accounted_for(model, source_table, raw_relation, carried, raw_row_count='count(*)', folded=none) -%}
    with counts as (
        select
            (select {{ raw_row_count }} from {{ raw_relation }} as raw) as raw_rows,
            (select count(*) from {{ carried }}) as carried_rows,
            {% if folded is none %}0{% elif folded is number %}{{ folded }}{% else %}(select count(*) from {{ folded }}){% endif %} as folded_rows,
            (select count(*) from {{ model }} where source_table = '{{ source_table }}') as rejected_rows
    )

    select *
    from counts
    where coalesce(raw_rows, 0) <> carried_rows + folded_rows + rejected_rows
{%- endtest %}
