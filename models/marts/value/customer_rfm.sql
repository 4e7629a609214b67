-- Per person with a confirmed order by the observation end: the recency-frequency-monetary
-- summary the BG/NBD and Gamma-Gamma models are fitted on (doc block rfm), as the fits read it
-- (int_persons_rfm, where it is computed).
with

rfm as (
    select * from {{ ref('int_persons_rfm') }}
),

final as (
    select
        person_key,
        first_purchase_period,
        last_purchase_period,
        observation_end_date,
        time_unit,
        frequency,
        recency,
        customer_age,
        monetary_value,
        cast(net_revenue_usd as decimal(18, 2)) as net_revenue_usd
    from rfm
)

select * from final
