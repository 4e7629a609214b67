-- The churn label of each person of int_persons_churn_features at a labelled snapshot ('train',
-- 'evaluate'): churned when the person has no confirmed order in (snapshot, snapshot + N]. Kept
-- apart from the features so that the feature model reads nothing after its snapshot. The final
-- status of an order decides (doc block churn_model).
with

snapshots as (
    select * from {{ ref('int_churn_snapshots') }}
    where label_end_date is not null
),

features as (
    select * from {{ ref('int_persons_churn_features') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

orders_in_window as (
    select
        snapshots.snapshot_date,
        orders.person_key,
        count(*) as confirmed_orders
    from snapshots
    inner join orders
        on
            snapshots.snapshot_date < orders.order_date
            and snapshots.label_end_date >= orders.order_date
    group by snapshots.snapshot_date, orders.person_key
),

final as (
    select
        features.snapshot_role,
        features.snapshot_date,
        snapshots.label_end_date,
        features.person_key,
        cast(coalesce(orders_in_window.confirmed_orders, 0) as {{ dbt.type_int() }}) as confirmed_orders_in_horizon,
        orders_in_window.person_key is null as is_churned
    from features
    inner join snapshots on features.snapshot_date = snapshots.snapshot_date
    left join orders_in_window
        on
            features.snapshot_date = orders_in_window.snapshot_date
            and features.person_key = orders_in_window.person_key
)

select * from final
