-- One row per person and month with any engagement signal: the signals, loyalty points, and the
-- engagement score and tier by the weights of the person's country (engagement_score_weights
-- seed, default row otherwise). A month without any signal has no row: the person is dormant.
{%- set signals = ['sessions', 'active_days', 'product_views', 'wishlist_adds', 'cart_adds',
    'whatsapp_messages', 'social_shares', 'reviews', 'referrals', 'email_opens', 'email_clicks',
    'loyalty_redemptions'] %}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
    where stitched_customer_id is not null
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

customers as (
    select * from {{ ref('stg_shop__customers') }}
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

person_countries as (
    select
        persons.person_key,
        customers.country_code
    from persons
    inner join customers on persons.customer_id = customers.customer_id
    where persons.is_first_customer_id_of_person
),

signals as (
    select
        persons.person_key,
        cast({{ dbt.date_trunc('month', 'events.event_date') }} as date) as month_start,
        sum(case when events.is_session_start then 1 else 0 end) as sessions,
        count(distinct events.event_date) as active_days,
        sum(case when events.event_type = 'product_view' then 1 else 0 end) as product_views,
        sum(case when events.event_type = 'add_to_wishlist' then 1 else 0 end) as wishlist_adds,
        sum(case when events.event_type = 'add_to_cart' then 1 else 0 end) as cart_adds,
        sum(case when events.event_type = 'whatsapp_message' then 1 else 0 end) as whatsapp_messages,
        sum(case when events.event_type = 'social_share' then 1 else 0 end) as social_shares,
        sum(case when events.event_type = 'review_submitted' then 1 else 0 end) as reviews,
        sum(case when events.event_type = 'referral_sent' then 1 else 0 end) as referrals,
        sum(case when events.event_type = 'email_open' then 1 else 0 end) as email_opens,
        sum(case when events.event_type = 'email_click' then 1 else 0 end) as email_clicks,
        sum(case when events.event_type = 'loyalty_reward_redeemed' then 1 else 0 end) as loyalty_redemptions,
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
