-- Repeat purchase within 90 days and time to the second order, per country.
select
    segment_value as country,
    eligible_customers,
    repeat_customers,
    repeat_purchase_rate,
    median_days_to_second_order
from {{ ref('repeat_purchase_summary') }}
where
    segment_type = 'country'
    and window_days = 90
order by eligible_customers desc
