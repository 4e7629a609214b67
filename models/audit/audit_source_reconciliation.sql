-- Per raw table: raw rows = clean rows + rejected rows + collapsed duplicates. The raw side is
-- counted from the files themselves (the one model outside staging that reads sources, on
-- purpose: it checks staging), the clean side from the staging views.
with

raw_customers as (
    select
        'customers' as source_table,
        count(*) as raw_rows
    from {{ source('shop', 'customers') }}
),

raw_orders as (
    select
        'orders' as source_table,
        count(*) as raw_rows
    from {{ source('shop', 'orders') }}
),

raw_order_items as (
    select
        'order_items' as source_table,
        count(*) as raw_rows
    from {{ source('shop', 'order_items') }}
),

raw_products as (
    select
        'products' as source_table,
        count(*) as raw_rows
    from {{ source('shop', 'products') }}
),

raw_events as (
    select
        'events' as source_table,
        count(*) as raw_rows
    from {{ source('shop', 'events') }}
),

raw_feedback as (
    select
        'feedback' as source_table,
        count(*) as raw_rows
    from {{ source('shop', 'feedback') }}
),

raw_marketing_spend as (
    select
        'marketing_spend' as source_table,
        count(*) as raw_rows
    from {{ source('shop', 'marketing_spend') }}
),

raw_privacy_requests as (
    select
        'privacy_requests' as source_table,
        count(*) as raw_rows
    from {{ source('shop', 'privacy_requests') }}
),

clean_customers as (
    select
        'customers' as source_table,
        count(*) as clean_rows
    from {{ ref('stg_shop__customers') }}
),

clean_orders as (
    select
        'orders' as source_table,
        count(*) as clean_rows
    from {{ ref('stg_shop__orders') }}
),

clean_order_items as (
    select
        'order_items' as source_table,
        count(*) as clean_rows
    from {{ ref('stg_shop__order_items') }}
),

clean_products as (
    select
        'products' as source_table,
        count(*) as clean_rows
    from {{ ref('stg_shop__products') }}
),

clean_events as (
    select
        'events' as source_table,
        count(*) as clean_rows
    from {{ ref('stg_shop__events') }}
),

clean_feedback as (
    select
        'feedback' as source_table,
        count(*) as clean_rows
    from {{ ref('stg_shop__feedback') }}
),

clean_marketing_spend as (
    select
        'marketing_spend' as source_table,
        count(*) as clean_rows
    from {{ ref('stg_shop__marketing_spend') }}
),

clean_privacy_requests as (
    select
        'privacy_requests' as source_table,
        count(*) as clean_rows
    from {{ ref('stg_shop__privacy_requests') }}
),

raw_counts as (
    select * from raw_customers
    union all
    select * from raw_orders
    union all
    select * from raw_order_items
    union all
    select * from raw_products
    union all
    select * from raw_events
    union all
    select * from raw_feedback
    union all
    select * from raw_marketing_spend
    union all
    select * from raw_privacy_requests
),

clean_counts as (
    select * from clean_customers
    union all
    select * from clean_orders
    union all
    select * from clean_order_items
    union all
    select * from clean_products
    union all
    select * from clean_events
    union all
    select * from clean_feedback
    union all
    select * from clean_marketing_spend
    union all
    select * from clean_privacy_requests
),

audit_counts as (
    select
        source_table,
        sum(case when rejection_category = 'rejected' then 1 else 0 end) as rejected_rows,
        sum(case when rejection_category = 'collapsed_duplicate' then 1 else 0 end) as duplicate_rows
    from {{ ref('audit_rejected_rows') }}
    group by source_table
),

final as (
    select
        raw_counts.source_table,
        raw_counts.raw_rows,
        clean_counts.clean_rows,
        coalesce(audit_counts.rejected_rows, 0) as rejected_rows,
        coalesce(audit_counts.duplicate_rows, 0) as duplicate_rows,
        raw_counts.raw_rows - clean_counts.clean_rows - coalesce(audit_counts.rejected_rows, 0)
        - coalesce(audit_counts.duplicate_rows, 0) as unaccounted_rows,
        cast(coalesce(audit_counts.rejected_rows, 0) as double) / nullif(raw_counts.raw_rows, 0)
            as rejected_rate
    from raw_counts
    inner join clean_counts on raw_counts.source_table = clean_counts.source_table
    left join audit_counts on raw_counts.source_table = audit_counts.source_table
)

select * from final
