-- One row per person and month with any engagement signal: the signals, loyalty points, and the
-- engagement score and tier of the person's market (built in int_persons_engagement_by_month).
with

engagement as (
    select * from {{ ref('int_persons_engagement_by_month') }}
),

final as (
    select
        person_key,
        month_start,
        country_code,
        sessions,
        active_days,
        product_views,
        wishlist_adds,
        cart_adds,
        whatsapp_messages,
        social_shares,
        reviews,
        referrals,
        email_opens,
        email_clicks,
        loyalty_redemptions,
        loyalty_points_earned,
        loyalty_points_redeemed,
        engagement_score,
        engagement_tier
    from engagement
)

select * from final
