{#- Generic test on a vendor table of a source adapter (a table of models/staging/<system>/
    _<system>__sources.yml): fails, with one row of the counts, unless every raw row is accounted
    for: raw rows = rows carried into contract rows + rows folded into other rows + the table's
    rows in the adapter's rejected rows.
    - `source_table`: '<system>.<table>', as the rejected rows name it;
    - `rejected`: the adapter's stg_<system>__rejected_rows (rows whose source_table is source_table);
    - `carried`: a relation or a list of relations whose rows (or distinct `carried_key` values,
      when one vendor row gives several contract rows) each stand for one raw row;
    - `folded`: a relation, a list of relations, or a number: raw rows folded into another row
      (a refund into its order);
    - `raw_row_count`: the aggregate that counts the raw rows over `raw` (the tested table), for a
      vendor table nested in another (VTEX's order items: sum(len(raw.items))). -#}
{% test vendor_rows_accounted_for(model, source_table, rejected, carried=[], folded=[], raw_row_count='count(*)', carried_key=none) -%}
    {%- set carried_list = carried if carried is not string and carried is iterable else [carried] -%}
    {%- set folded_list = folded if folded is not string and folded is iterable else [folded] -%}
    with counts as (
        select
            (select {{ raw_row_count }} from {{ model }} as raw) as raw_rows,
            0
            {%- for relation in carried_list %}
            + (select count({{ 'distinct ' ~ carried_key if carried_key else '*' }}) from {{ relation }})
            {%- endfor %} as carried_rows,
            0
            {%- for relation in folded_list %}
            + {% if relation is number %}{{ relation }}{% else %}(select count(*) from {{ relation }}){% endif %}
            {%- endfor %} as folded_rows,
            (select count(*) from {{ rejected }} where source_table = '{{ source_table }}') as rejected_rows
    )

    select *
    from counts
    where coalesce(raw_rows, 0) <> carried_rows + folded_rows + rejected_rows
{%- endtest %}
