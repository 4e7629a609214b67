-- The touchpoint grain of fct_order_attribution: one row per confirmed order, attribution model
-- and touchpoint (every session of the person in the order's window, zero credits included), from
-- the same macro as the mart (attribution_touchpoints_credited), for an analyst who needs the
-- sessions behind a channel's credit. Filter confirmed_orders to a few orders or days: over every
-- order it is the mart's old size (41.7M rows at scale 1).
with

confirmed_orders as (
    select
        order_id,
        person_key,
        order_ts,
        order_date,
        net_revenue_usd
    from {{ ref('fct_orders') }}
    where is_confirmed_order
),

sessions as (
    select
        session_id,
        person_key,
        session_start_ts,
        session_channel,
        utm_source,
        utm_medium,
        utm_campaign
    from {{ ref('fct_sessions') }}
    where person_key is not null
),

{{ attribution_touchpoints_credited('confirmed_orders', 'sessions') }}

select
    touchpoints_credited.order_id,
    touchpoints_credited.attribution_model,
    touchpoints_credited.touchpoint_number,
    touchpoints_credited.touchpoints_in_window,
    touchpoints_credited.session_id,
    touchpoints.session_start_ts,
    touchpoints_credited.session_channel,
    sessions.utm_source,
    sessions.utm_medium,
    sessions.utm_campaign,
    touchpoints.hours_before_order,
    confirmed_orders.order_date,
    touchpoints_credited.credit,
    cast(cast(touchpoints_credited.attributed_cents as double) / 100 as decimal(18, 2)) as attributed_net_revenue_usd
from touchpoints_credited
inner join touchpoints
    on
        touchpoints_credited.order_id = touchpoints.order_id
        and touchpoints_credited.touchpoint_number = touchpoints.touchpoint_number
inner join confirmed_orders on touchpoints_credited.order_id = confirmed_orders.order_id
left join sessions on touchpoints_credited.session_id = sessions.session_id
order by
    touchpoints_credited.order_id,
    touchpoints_credited.attribution_model,
    touchpoints_credited.touchpoint_number
