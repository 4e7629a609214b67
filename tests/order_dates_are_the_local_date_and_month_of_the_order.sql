-- fct_orders.order_date is order_ts's local date, so within a day of its UTC date, and
-- order_month is the first day of order_date's month.
select
    order_id,
    order_ts,
    order_date,
    order_month
from {{ ref('fct_orders') }}
where
    abs({{ dbt.datediff('cast(order_ts as date)', 'order_date', 'day') }}) > 1
    or order_month <> cast({{ dbt.date_trunc('month', 'order_date') }} as date)
