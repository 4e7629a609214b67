{{ config(enabled=adapter_in_use('vtex')) }}
{#- The products of the VTEX orders' items, one row per productId, in the contract's products
    columns: an order knows no catalogue, so a product is described by its latest sold item (its
    SKU reference code, name and category). The category is the deepest one of the item's
    category path (additionalInfo.categoriesIds, root first: /1/29/201/), by name when
    additionalInfo.categories lists it, else its id. -#}

with

items as (
    select * from {{ ref('base_vtex__order_items') }}
    where rejection_rule is null and product_id is not null
),

latest_items as (
    select
        *,
        nullif(regexp_extract(categories_ids, '([0-9]+)/*$', 1), '') as deepest_category_id,
        row_number() over (
            partition by product_id
            order by order_ts desc nulls last, last_change_ts desc nulls last, order_id desc, item_position asc
        ) as recency_rank
    from items
),

latest_item_categories as (
    select
        product_id,
        deepest_category_id,
        unnest(categories) as category
    from latest_items
    where recency_rank = 1
),

deepest_category_names as (
    select
        product_id,
        min({{ clean_text("struct_extract(category, 'name')") }}) as category_name
    from latest_item_categories
    where {{ clean_text("struct_extract(category, 'id')") }} = deepest_category_id
    group by product_id
),

final as (
    select
        latest_items.product_id,
        latest_items.ref_id as sku,
        latest_items.product_name,
        coalesce(deepest_category_names.category_name, latest_items.deepest_category_id) as category,
        cast(null as {{ dbt.type_string() }}) as material,
        cast(null as {{ dbt.type_string() }}) as collection,
        cast(null as decimal(18, 2)) as list_price_usd,
        cast(null as {{ dbt.type_string() }}) as launched_at
    from latest_items
    left join deepest_category_names on latest_items.product_id = deepest_category_names.product_id
    where latest_items.recency_rank = 1
)

select * from final
