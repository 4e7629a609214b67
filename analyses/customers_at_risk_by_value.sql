-- Where to spend retention effort: customers by value segment and churn-risk tier, with their
-- predicted 12-month CLV. High value and high risk is the list to call first.
select
    value_segment,
    churn_risk_tier,
    count(*) as customers,
    sum(predicted_clv_12m_usd) as predicted_clv_12m_usd,
    avg(probability_alive) as average_probability_alive
from {{ ref('customer_lifetime_value') }}
group by value_segment, churn_risk_tier
order by value_segment asc, churn_risk_tier asc
