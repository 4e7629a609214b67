{#- The count of one engagement signal among `events`: each signal is the events of one event
    type (event_types seed). The one definition int_persons_engagement_by_month and
    regional_engagement both count by. -#}
{% macro event_signal_count(signal, event_type='events.event_type') -%}
    {%- set event_types = {
        'product_views': 'product_view',
        'wishlist_adds': 'add_to_wishlist',
        'cart_adds': 'add_to_cart',
        'whatsapp_messages': 'whatsapp_message',
        'social_shares': 'social_share',
        'reviews': 'review_submitted',
        'referrals': 'referral_sent',
        'email_opens': 'email_open',
        'email_clicks': 'email_click',
        'loyalty_redemptions': 'loyalty_reward_redeemed',
    } -%}
    {%- if signal not in event_types -%}
        {{ exceptions.raise_compiler_error("event_signal_count: unknown signal '" ~ signal ~ "' (one of: "
            ~ event_types.keys() | join(', ') ~ ")") }}
    {%- endif -%}
    sum(case when {{ event_type }} = '{{ event_types[signal] }}' then 1 else 0 end)
{%- endmacro %}
