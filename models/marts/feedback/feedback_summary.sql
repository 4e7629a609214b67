-- Feedback per country and month: NPS with its promoter / passive / detractor counts, CSAT,
-- review ratings, responses per confirmed order, comment sentiment, and how often promoters and
-- detractors ordered again within the follow-up window. Every rate sits beside its numerator and
-- denominator, so a BI tool can re-aggregate across months or countries.
with

feedback as (
    select * from {{ ref('fct_feedback') }}
),

orders as (
    select
        country_code,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as order_month,
        count(*) as confirmed_orders
    from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
    group by country_code, cast({{ dbt.date_trunc('month', 'order_date') }} as date)
),

counts as (
    select
        country_code,
        country_name,
        submitted_month,
        count(*) as responses,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_category = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractors,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_responses,
        sum(case when is_csat_satisfied then 1 else 0 end) as csat_satisfied,
        sum(case when survey_type = 'csat' then score else 0 end) as csat_score_sum,
        sum(case when survey_type = 'product_review' then 1 else 0 end) as reviews,
        sum(case when survey_type = 'product_review' then score else 0 end) as review_rating_sum,
        sum(case when has_comment then 1 else 0 end) as comments,
        sum(case when sentiment_label = 'positive' then 1 else 0 end) as positive_comments,
        sum(case when sentiment_label = 'negative' then 1 else 0 end) as negative_comments,
        sum(case when nps_category = 'promoter' and is_follow_up_complete then 1 else 0 end) as promoters_followed_up,
        sum(case when nps_category = 'promoter' and reordered_within_follow_up then 1 else 0 end)
            as promoters_reordered,
        sum(case when nps_category = 'detractor' and is_follow_up_complete then 1 else 0 end)
            as detractors_followed_up,
        sum(case when nps_category = 'detractor' and reordered_within_follow_up then 1 else 0 end)
            as detractors_reordered
    from feedback
    group by country_code, country_name, submitted_month
),

final as (
    select
        counts.country_code,
        counts.country_name,
        counts.submitted_month as activity_month,
        cast(counts.responses as {{ dbt.type_bigint() }}) as responses,
        cast(coalesce(orders.confirmed_orders, 0) as {{ dbt.type_bigint() }}) as confirmed_orders,
        cast(counts.responses as double) / nullif(orders.confirmed_orders, 0) as responses_per_confirmed_order,
        cast(counts.nps_responses as {{ dbt.type_bigint() }}) as nps_responses,
        cast(counts.promoters as {{ dbt.type_bigint() }}) as promoters,
        cast(counts.passives as {{ dbt.type_bigint() }}) as passives,
        cast(counts.detractors as {{ dbt.type_bigint() }}) as detractors,
        {{ nps_score('counts.promoters', 'counts.detractors', 'counts.nps_responses') }} as nps,
        cast(counts.csat_responses as {{ dbt.type_bigint() }}) as csat_responses,
        cast(counts.csat_satisfied as {{ dbt.type_bigint() }}) as csat_satisfied,
        cast(counts.csat_satisfied as double) / nullif(counts.csat_responses, 0) as csat_satisfied_rate,
        cast(counts.csat_score_sum as double) / nullif(counts.csat_responses, 0) as average_csat_score,
        cast(counts.reviews as {{ dbt.type_bigint() }}) as reviews,
        cast(counts.review_rating_sum as double) / nullif(counts.reviews, 0) as average_review_rating,
        cast(counts.comments as {{ dbt.type_bigint() }}) as comments,
        cast(counts.positive_comments as {{ dbt.type_bigint() }}) as positive_comments,
        cast(counts.negative_comments as {{ dbt.type_bigint() }}) as negative_comments,
        cast(counts.promoters_followed_up as {{ dbt.type_bigint() }}) as promoters_followed_up,
        cast(counts.promoters_reordered as {{ dbt.type_bigint() }}) as promoters_reordered,
        cast(counts.promoters_reordered as double) / nullif(counts.promoters_followed_up, 0)
            as promoter_reorder_rate,
        cast(counts.detractors_followed_up as {{ dbt.type_bigint() }}) as detractors_followed_up,
        cast(counts.detractors_reordered as {{ dbt.type_bigint() }}) as detractors_reordered,
        cast(counts.detractors_reordered as double) / nullif(counts.detractors_followed_up, 0)
            as detractor_reorder_rate
    from counts
    left join orders
        on
            counts.country_code = orders.country_code
            and counts.submitted_month = orders.order_month
)

select * from final
