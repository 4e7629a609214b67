-- Customer base per sub-region: customer ids, persons behind them, loyalty and net revenue.
select
    sub_region,
    count(*) as customer_ids,
    count(distinct person_key) as persons,
    avg(case when is_loyalty_member then 1.0 else 0.0 end) as loyalty_member_share,
    sum(lifetime_net_revenue_usd) as net_revenue_usd
from {{ ref('dim_customers') }}
group by sub_region
order by net_revenue_usd desc
