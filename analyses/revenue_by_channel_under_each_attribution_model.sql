-- Net revenue credited to each session channel under each attribution model: put the models side
-- by side to see which channels open journeys (first touch) and which close them (last touch).
select
    attribution_model,
    session_channel,
    sum(credit) as orders_credited,
    sum(attributed_net_revenue_usd) as net_revenue_usd
from {{ ref('fct_order_attribution') }}
group by attribution_model, session_channel
order by attribution_model asc, net_revenue_usd desc
