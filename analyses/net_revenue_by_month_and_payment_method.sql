-- Confirmed net revenue per month and payment method, and the share of orders never confirmed
-- (unpaid vouchers, refused cash on delivery) per payment method.
select
    order_month,
    payment_method,
    count(*) as orders,
    sum(case when is_confirmed_order then net_revenue_usd else 0 end) as confirmed_net_revenue_usd,
    avg(case when is_confirmed_order then 0.0 else 1.0 end) as unconfirmed_share
from {{ ref('fct_orders') }}
group by order_month, payment_method
order by order_month asc, payment_method asc
