-- Retention curves of loyalty members and non-members side by side (monthly grain), with the
-- number of persons behind each point so thin tails can be greyed out.
select
    segment_value as loyalty_member,
    period_number,
    customers,
    retention_rate,
    unbounded_retention_rate,
    engagement_retention_rate,
    cumulative_net_revenue_usd_per_customer
from {{ ref('retention_curves') }}
where
    segment_type = 'loyalty_member'
    and cohort_grain = 'month'
    and period_number <= 12
order by loyalty_member asc, period_number asc
