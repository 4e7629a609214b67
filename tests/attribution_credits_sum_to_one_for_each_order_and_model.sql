-- Under every attribution model, the credits of an order's touchpoints sum to 1 (within 1e-9:
-- credits are rounded to 12 decimals and summed in floating point), so each model hands out every
-- order's net revenue exactly once.
with

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

credit_totals as (
    select
        order_id,
        attribution_model,
        sum(credit) as total_credit
    from attribution
    group by
        order_id,
        attribution_model
)

select
    order_id,
    attribution_model,
    total_credit
from credit_totals
where abs(total_credit - 1) > 1e-9
