-- Opt-in (var attribution_touchpoints_materialization: view or table; disabled by default): the
-- touchpoint grain of fct_order_attribution, one row per confirmed order, attribution model and
-- touchpoint, from the same macro (attribution_touchpoints_credited), for an analyst who needs
-- the sessions behind a channel's credit.
{{ config(
    enabled=var('attribution_touchpoints_materialization') in ('view', 'table'),
    materialized=var('attribution_touchpoints_materialization') or 'view',
) }}

with

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

confirmed_orders as (
    select
        order_id,
        customer_id,
        person_key,
        country_code,
        country_name,
        order_ts,
        order_date,
        net_revenue_usd
    from orders
    where is_confirmed_order
),

{{ attribution_touchpoints_credited('confirmed_orders', 'sessions') }},

final as (
    select
        order_id,
        attribution_model,
        cast(touchpoint_number as {{ dbt.type_int() }}) as touchpoint_number,
        cast(touchpoints_in_window as {{ dbt.type_int() }}) as touchpoints_in_window,
        session_id,
        session_start_ts,
        session_channel,
        utm_source,
        utm_medium,
        utm_campaign,
        hours_before_order,
        order_ts,
        order_date,
        customer_id,
        person_key,
        country_code,
        country_name,
        credit,
        cast(cast(attributed_cents as double) / 100 as decimal(18, 2)) as attributed_net_revenue_usd
    from touchpoints_credited
)

select * from final
