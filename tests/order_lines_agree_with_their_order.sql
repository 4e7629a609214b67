-- Every line of fct_order_items belongs to an order of fct_orders with the same status,
-- confirmation and person.
select
    items.order_item_id,
    items.order_id
from {{ ref('fct_order_items') }} as items
left join {{ ref('fct_orders') }} as orders
    on items.order_id = orders.order_id
where
    orders.order_id is null
    or orders.order_status <> items.order_status
    or orders.is_confirmed_order <> items.is_confirmed_order
    or orders.person_key <> items.person_key
