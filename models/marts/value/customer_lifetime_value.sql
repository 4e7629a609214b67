-- Per person with a confirmed order by the observation end: what they bought so far, what the
-- BG/NBD and Gamma-Gamma models expect from here on (int_persons_clv_scored), and the value
-- segment and churn-risk tier built on it (doc blocks clv, value_segment, churn_risk_tier). A fit
-- that is not converged (doc block fit_status) cuts no segment or tier: they are null and
-- segment_reason says why, so no reader takes a placeholder or a cut of nonsense for a segment.
with

rfm as (
    select * from {{ ref('int_persons_rfm') }}
),

scores as (
    select * from {{ ref('int_persons_clv_scored') }}
),

persons as (
    select * from {{ ref('int_persons_first_orders') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

feedback as (
    select * from {{ ref('fct_feedback') }}
),

params as (
    select * from {{ ref('int_clv_model_params_fitted') }}
),

-- one row: the status and reason of each model's fit (the same on each of its parameter rows)
fits as (
    select
        max(case when params.model = 'bg_nbd' then params.model_status end) as purchase_model_status,
        max(case when params.model = 'bg_nbd' then params.status_reason end) as purchase_model_reason,
        max(case when params.model = 'gamma_gamma' then params.model_status end) as spend_model_status,
        max(case when params.model = 'gamma_gamma' then params.status_reason end) as spend_model_reason
    from params
),

last_orders as (
    select
        orders.person_key,
        max(orders.order_date) as last_order_date
    from orders
    where orders.order_date <= {{ clv_observation_end() }}
    group by orders.person_key
),

-- a detractor NPS answer or a negative comment in the var clv_churn_risk_negative_feedback_days
-- (365) days up to the observation end
negative_feedback as (
    select distinct feedback.person_key
    from feedback
    where
        (feedback.nps_category = 'detractor' or feedback.sentiment_label = 'negative')
        and feedback.submitted_date <= {{ clv_observation_end() }}
        and feedback.submitted_date > {{ dbt.dateadd(
            'day', -1 * var('clv_churn_risk_negative_feedback_days'), clv_observation_end()
        ) }}
),

joined as (
    select
        rfm.*,
        persons.country as country_code,
        persons.country_name,
        persons.sub_region,
        persons.acquisition_channel,
        {{ dbt.datediff('last_orders.last_order_date', 'rfm.observation_end_date', 'day') }}
            as days_since_last_order,
        negative_feedback.person_key is not null as has_recent_negative_feedback,
        scores.probability_alive,
        scores.expected_purchases_90d,
        scores.expected_purchases_365d,
        scores.expected_average_value_usd,
        scores.predicted_clv_12m_usd,
        fits.purchase_model_status as model_status,
        fits.purchase_model_reason,
        fits.spend_model_status,
        fits.spend_model_reason
    from rfm
    inner join persons on rfm.person_key = persons.person_key
    inner join last_orders on rfm.person_key = last_orders.person_key
    left join scores on rfm.person_key = scores.person_key
    left join negative_feedback on rfm.person_key = negative_feedback.person_key
    cross join fits
),

-- which segments can be cut for the person: value segments need both fits converged and a
-- predicted CLV, churn-risk tiers the BG/NBD fit converged and a probability alive
segmentable as (
    select
        *,
        model_status = 'converged' and spend_model_status = 'converged' and predicted_clv_12m_usd is not null
            as has_value_segment,
        model_status = 'converged' and probability_alive is not null as has_churn_risk_tier
    from joined
),

ranked as (
    select
        *,
        case
            when has_value_segment
                then percent_rank() over (
                    partition by has_value_segment order by predicted_clv_12m_usd desc
                )
        end as clv_rank_share
    from segmentable
),

final as (
    select
        -- keys
        person_key,
        country_code,
        country_name,
        sub_region,
        acquisition_channel,

        -- history up to the observation end
        first_purchase_period,
        last_purchase_period,
        observation_end_date,
        cast(days_since_last_order as {{ dbt.type_int() }}) as days_since_last_order,
        frequency,
        recency,
        customer_age,
        time_unit,
        monetary_value,
        cast(net_revenue_usd as decimal(18, 2)) as historical_net_revenue_usd,

        -- predictions
        probability_alive,
        expected_purchases_90d,
        expected_purchases_365d,
        -- the fits' doubles as money; segments rank the unrounded value above (doc block money_rounding)
        {{ to_the_cent('expected_average_value_usd') }} as expected_average_value_usd,
        {{ to_the_cent('predicted_clv_12m_usd') }} as predicted_clv_12m_usd,
        model_status,

        -- segments
        has_recent_negative_feedback,
        case
            when not has_value_segment then null
            when clv_rank_share < {{ var('clv_value_segment_high_top_share') }} then 'high'
            when clv_rank_share < {{ var('clv_value_segment_medium_top_share') }} then 'medium'
            else 'low'
        end as value_segment,
        case
            when not has_churn_risk_tier then null
            when
                probability_alive < {{ var('clv_churn_risk_high_below_probability_alive') }}
                or days_since_last_order > {{ var('clv_churn_risk_silent_days') }}
                then 'high'
            when
                probability_alive < {{ var('clv_churn_risk_medium_below_probability_alive') }}
                or has_recent_negative_feedback
                then 'medium'
            else 'low'
        end as churn_risk_tier,
        case
            when model_status != 'converged'
                then {{ dbt.concat([
                    "'no value segment or churn-risk tier: the BG/NBD fit is '",
                    "model_status", "': '", "purchase_model_reason"]) }}
            when spend_model_status != 'converged'
                then {{ dbt.concat([
                    "'no value segment: the Gamma-Gamma fit is '",
                    "spend_model_status", "': '", "spend_model_reason"]) }}
            when not has_value_segment and not has_churn_risk_tier
                then 'no value segment or churn-risk tier: the fitted models give this person no prediction'
            when not has_value_segment then 'no value segment: the fitted models give this person no predicted CLV'
            when not has_churn_risk_tier
                then 'no churn-risk tier: the fitted model gives this person no probability alive'
        end as segment_reason
    from ranked
)

select * from final
