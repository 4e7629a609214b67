{#- Source-table level, for a source adapter's vendor tables, row by row (where
    vendor_rows_accounted_for compares counts): fails on every raw row that the adapter neither
    carried into a contract row (its key in `carried`), folded into another row (its parent's key
    in `folded_into`: a refund into its order, a tag into its customer) nor rejected (its key in
    the adapter's rejected rows under `source_table`), and on a row both carried and rejected. For
    an adapter whose folded rows are no relation of their own (Shopify: a tag is folded when its
    customer is carried). `record_key` and `parent_key` are SQL expressions over the raw row, as
    the adapter writes them. -#}
{% test vendor_rows_each_accounted_for(
    model, record_key, rejected_rows, source_table,
    carried=none, carried_key=none, folded_into=none, folded_key=none, parent_key=none
) -%}
    with

    raw_rows as (
        select
            {{ record_key }} as record_key,
            {{ parent_key if parent_key else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as parent_key
        from {{ model }}
    ),

    carried_keys as (
        {% if carried is not none -%}
            select distinct
                cast({{ carried_key }} as {{ dbt.type_string() }}) as record_key,
                true as is_found
            from {{ carried }}
        {%- else -%}
            select
                cast(null as {{ dbt.type_string() }}) as record_key,
                true as is_found
            where 1 = 0
        {%- endif %}
    ),

    folded_keys as (
        {% if folded_into is not none -%}
            select distinct
                cast({{ folded_key }} as {{ dbt.type_string() }}) as parent_key,
                true as is_found
            from {{ folded_into }}
        {%- else -%}
            select
                cast(null as {{ dbt.type_string() }}) as parent_key,
                true as is_found
            where 1 = 0
        {%- endif %}
    ),

    rejected_keys as (
        select distinct
            record_key,
            true as is_found
        from {{ rejected_rows }}
        where source_table = '{{ source_table }}'
    ),

    fates as (
        select
            raw_rows.record_key,
            coalesce(carried_keys.is_found, false) as is_carried,
            coalesce(folded_keys.is_found, false) as is_folded,
            coalesce(rejected_keys.is_found, false) as is_rejected
        from raw_rows
        -- null-safe: a raw row without a key is carried (base_shop rejects it, missing_primary_key)
        -- or rejected with a null record_key, and must be found either way
        left join carried_keys on raw_rows.record_key is not distinct from carried_keys.record_key
        left join folded_keys on raw_rows.parent_key is not distinct from folded_keys.parent_key
        left join rejected_keys on raw_rows.record_key is not distinct from rejected_keys.record_key
    )

    select *
    from fates
    where
        not (is_carried or is_folded or is_rejected)
        or (is_carried and is_rejected)
{%- endtest %}
