-- The touchpoint grain of fct_order_attribution: one row per confirmed order, attribution model
-- and touchpoint (every session of the person in the order's window, zero credits included), from
-- the same macro as the mart (attribution_touchpoints_credited), for an analyst who needs the
-- sessions behind a channel's credit. Filter confirmed_orders to a few orders or days: over every
-- order it is the mart's old size (41.7M rows at scale 1).
with

confirmed_orders as (
    select
        {{ attribution_order_columns() | join(',\n        ') }}
    from {{ ref('fct_orders') }}
    where is_confirmed_order
),

sessions as (
    select
        person_key,
        {{ attribution_session_columns() | join(',\n        ') }}
    from {{ ref('fct_sessions') }}
    where person_key is not null
),

{{ attribution_touchpoints_credited('confirmed_orders', 'sessions') }}

select
    order_id,
    attribution_model,
    touchpoint_number,
    touchpoints_in_window,
    session_id,
    session_start_ts,
    session_channel,
    utm_source,
    utm_medium,
    utm_campaign,
    hours_before_order,
    order_date,
    credit,
    cast(cast(attributed_cents as double) / 100 as decimal(18, 2)) as attributed_net_revenue_usd
from touchpoints_credited
order by order_id, attribution_model, touchpoint_number
