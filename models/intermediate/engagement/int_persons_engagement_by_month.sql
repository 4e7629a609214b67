-- One row per person and month with any engagement signal: the signals, loyalty points, and the
-- engagement score and tier by the weights of the person's home country (int_persons; the
-- engagement_score_weights seed, default row otherwise). A month without any signal has no row: the person is dormant.
{%- set signals = engagement_score_signals() %}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
    where stitched_customer_id is not null
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

person_countries as (
    select * from {{ ref('int_persons') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

weights as (
    select * from {{ ref('engagement_score_weights') }}
),

default_weights as (
    select * from weights
    where country_code = 'default'
),

signals as (
    select
        persons.person_key,
        cast({{ dbt.date_trunc('month', 'events.event_date') }} as date) as month_start,
        sum(case when events.is_session_start then 1 else 0 end) as sessions,
        count(distinct events.event_date) as active_days,
        {{ event_signal_count('product_views') }} as product_views,
        {{ event_signal_count('wishlist_adds') }} as wishlist_adds,
        {{ event_signal_count('cart_adds') }} as cart_adds,
        {{ event_signal_count('whatsapp_messages') }} as whatsapp_messages,
        {{ event_signal_count('social_shares') }} as social_shares,
        {{ event_signal_count('reviews') }} as reviews,
        {{ event_signal_count('referrals') }} as referrals,
        {{ event_signal_count('email_opens') }} as email_opens,
        {{ event_signal_count('email_clicks') }} as email_clicks,
        {{ event_signal_count('loyalty_redemptions') }} as loyalty_redemptions,
        coalesce(sum(events.loyalty_points), 0) as loyalty_points_earned
    from events
    inner join persons on events.stitched_customer_id = persons.customer_id
    group by persons.person_key, cast({{ dbt.date_trunc('month', 'events.event_date') }} as date)
),

points_redeemed as (
    select
        person_key,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as month_start,
        sum(loyalty_points_redeemed) as loyalty_points_redeemed
    from orders
    group by person_key, cast({{ dbt.date_trunc('month', 'order_date') }} as date)
),

scored as (
    select
        signals.*,
        person_countries.country_code,
        coalesce(points_redeemed.loyalty_points_redeemed, 0) as loyalty_points_redeemed,
        (
            {% for signal in signals -%}
                signals.{{ signal }} * coalesce(country_weights.{{ signal }}, default_weights.{{ signal }})
                {%- if not loop.last %} +{% endif %}
            {% endfor -%}
        ) as engagement_score,
        coalesce(country_weights.low_tier_min_score, default_weights.low_tier_min_score) as low_tier_min_score,
        coalesce(country_weights.medium_tier_min_score, default_weights.medium_tier_min_score)
            as medium_tier_min_score,
        coalesce(country_weights.high_tier_min_score, default_weights.high_tier_min_score) as high_tier_min_score
    from signals
    left join person_countries on signals.person_key = person_countries.person_key
    left join weights as country_weights on person_countries.country_code = country_weights.country_code
    cross join default_weights
    left join points_redeemed
        on
            signals.person_key = points_redeemed.person_key
            and signals.month_start = points_redeemed.month_start
),

final as (
    select
        person_key,
        month_start,
        country_code,
        {% for signal in signals -%}
            cast({{ signal }} as {{ dbt.type_bigint() }}) as {{ signal }},
        {% endfor -%}
        cast(loyalty_points_earned as {{ dbt.type_bigint() }}) as loyalty_points_earned,
        cast(loyalty_points_redeemed as {{ dbt.type_bigint() }}) as loyalty_points_redeemed,
        cast(engagement_score as double) as engagement_score,
        case
            when engagement_score >= high_tier_min_score then 'high'
            when engagement_score >= medium_tier_min_score then 'medium'
            when engagement_score >= low_tier_min_score then 'low'
            else 'dormant'
        end as engagement_tier
    from scored
)

select * from final
