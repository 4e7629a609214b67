-- One row per person and month with any engagement signal: the signals, loyalty points, and the
-- engagement score and tier of the person's market (built in int_persons_engagement_by_month).
with

engagement as (
    select * from {{ ref('int_persons_engagement_by_month') }}
),

countries as (
    select * from {{ ref('countries') }}
),

final as (
    select
        engagement.person_key,
        engagement.month_start as activity_month,
        engagement.country_code,
        countries.country_name,
        engagement.sessions,
        engagement.active_days,
        engagement.product_views,
        engagement.wishlist_adds,
        engagement.cart_adds,
        engagement.whatsapp_messages,
        engagement.social_shares,
        engagement.reviews,
        engagement.referrals,
        engagement.email_opens,
        engagement.email_clicks,
        engagement.loyalty_redemptions,
        engagement.loyalty_points_earned,
        engagement.loyalty_points_redeemed,
        engagement.engagement_score,
        engagement.engagement_tier
    from engagement
    left join countries on engagement.country_code = countries.country_code
)

select * from final
