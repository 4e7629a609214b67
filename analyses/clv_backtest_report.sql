-- Should the CLV predictions be trusted on this data? Predicted vs actual repeat purchases in the
-- holdout, by how often customers bought before it.
select
    frequency_bucket,
    customers,
    actual_repeat_purchases,
    predicted_repeat_purchases,
    predicted_to_actual_ratio,
    model_status
from {{ ref('clv_backtest') }}
order by sort_order asc
