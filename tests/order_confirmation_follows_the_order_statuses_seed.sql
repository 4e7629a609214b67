-- fct_orders.is_confirmed_order is the order_statuses seed's is_confirmed for the order's status
-- (that every status is in the seed is the relationships test on order_status).
select
    orders.order_id,
    orders.order_status,
    orders.is_confirmed_order,
    statuses.is_confirmed
from {{ ref('fct_orders') }} as orders
inner join {{ ref('order_statuses') }} as statuses
    on orders.order_status = statuses.status
where orders.is_confirmed_order <> statuses.is_confirmed
