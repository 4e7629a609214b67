-- Per person with a confirmed order by the observation end: the recency-frequency-monetary
-- summary the CLV scores read (doc block rfm); the fits read the same summary as of the fit's
-- anchor (int_persons_rfm_at_fit_anchor). The marts customer_rfm and customer_lifetime_value
-- read it.
with

purchase_periods as (
    select * from {{ ref('int_persons_purchase_periods') }}
),

final as (
    {{ persons_rfm('purchase_periods', clv_observation_end()) }}
)

select * from final
