{#- The signals of the engagement score, in the order of the engagement_score_weights seed's
    columns: the one list int_persons_engagement_by_month scores by and the signal validation
    (int_persons_signals_by_quarter) and weight suggestions read. -#}
{% macro engagement_score_signals() -%}
    {{ return(['sessions', 'active_days', 'product_views', 'wishlist_adds', 'cart_adds',
        'whatsapp_messages', 'social_shares', 'reviews', 'referrals', 'email_opens', 'email_clicks',
        'loyalty_redemptions']) }}
{%- endmacro %}
