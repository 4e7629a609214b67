-- What people buy first: units and net revenue of first confirmed orders by category and material.
select
    order_items.category,
    order_items.material,
    sum(order_items.quantity) as units,
    sum(order_items.line_net_usd) as net_revenue_usd
from {{ ref('fct_order_items') }} as order_items
inner join {{ ref('fct_orders') }} as orders on order_items.order_id = orders.order_id
where orders.is_first_confirmed_order
group by order_items.category, order_items.material
order by net_revenue_usd desc
