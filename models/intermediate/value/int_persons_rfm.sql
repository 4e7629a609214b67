-- Per person with a confirmed order by the observation end: the recency-frequency-monetary
-- summary the BG/NBD and Gamma-Gamma models are fitted on (doc block rfm). The fits
-- (models/intermediate/fits) and the marts customer_rfm and customer_lifetime_value read it.
with

purchase_periods as (
    select * from {{ ref('int_persons_purchase_periods') }}
),

summary as (
    {{ rfm_summary('purchase_periods', clv_observation_end()) }}
),

final as (
    select
        person_key,
        first_purchase_period,
        last_purchase_period,
        {{ clv_observation_end() }} as observation_end_date,
        '{{ var("clv_time_unit") }}' as time_unit,
        frequency,
        recency,
        customer_age,
        monetary_value,
        net_revenue_usd
    from summary
)

select * from final
