-- Every raw row that staging did not pass on, with the rule it broke and its raw record
-- (personal data redacted). Superseded versions of a key (an older update, a re-delivered
-- event) are here too, as collapsed duplicates, so that nothing is lost without a trace.
with

customers as (
    select
        'customers' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from {{ ref('base_shop__customers') }}
    where rejection_rule is not null
),

orders as (
    select
        'orders' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from {{ ref('base_shop__orders') }}
    where rejection_rule is not null
),

order_items as (
    select
        'order_items' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from {{ ref('base_shop__order_items') }}
    where rejection_rule is not null
),

products as (
    select
        'products' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from {{ ref('base_shop__products') }}
    where rejection_rule is not null
),

events as (
    select
        'events' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from {{ ref('base_shop__events') }}
    where rejection_rule is not null
),

feedback as (
    select
        'feedback' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from {{ ref('base_shop__feedback') }}
    where rejection_rule is not null
),

marketing_spend as (
    select
        'marketing_spend' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from {{ ref('base_shop__marketing_spend') }}
    where rejection_rule is not null
),

privacy_requests as (
    select
        'privacy_requests' as source_table,
        record_key,
        rejection_rule,
        rejected_column,
        raw_record
    from {{ ref('base_shop__privacy_requests') }}
    where rejection_rule is not null
),

unioned as (
    select * from customers
    union all
    select * from orders
    union all
    select * from order_items
    union all
    select * from products
    union all
    select * from events
    union all
    select * from feedback
    union all
    select * from marketing_spend
    union all
    select * from privacy_requests
),

final as (
    select
        source_table,
        record_key,
        rejection_rule,
        rejected_column,
        case
            when rejection_rule = 'duplicate_key_superseded' then 'collapsed_duplicate'
            else 'rejected'
        end as rejection_category,
        raw_record
    from unioned
)

select * from final
