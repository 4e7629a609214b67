-- clv_backtest's bucket all holds the customers and actual repeat purchases of the frequency
-- buckets summed.
with

totals as (
    select
        sum(case when frequency_bucket <> 'all' then customers end) as bucket_customers,
        sum(case when frequency_bucket = 'all' then customers end) as all_customers,
        sum(case when frequency_bucket <> 'all' then actual_repeat_purchases end) as bucket_purchases,
        sum(case when frequency_bucket = 'all' then actual_repeat_purchases end) as all_purchases
    from {{ ref('clv_backtest') }}
)

select *
from totals
where bucket_customers <> all_customers or abs(bucket_purchases - all_purchases) > 1e-6
