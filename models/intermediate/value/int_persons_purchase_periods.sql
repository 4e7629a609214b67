-- One row per person and purchase period (var clv_time_unit: a day, or a week) with a confirmed
-- order: orders on the same day (week) count as one purchase, their net revenue summed, as in
-- lifetimes' summary_data_from_transaction_data.
with

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

final as (
    select
        person_key,
        {{ clv_period('order_date') }} as purchase_period,
        cast(count(*) as {{ dbt.type_int() }}) as orders,
        sum(net_revenue_usd) as net_revenue_usd
    from orders
    group by person_key, {{ clv_period('order_date') }}
)

select * from final
