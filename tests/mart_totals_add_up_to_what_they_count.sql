-- Totals that must add up across models, one row per broken truth: every clean event is in one
-- session; the sessions of identified persons are counted once by month; every feedback answer
-- once; marketing spend to the cent; member and non-member orders are the confirmed orders; the
-- state rows and the sub-region rows of regional_engagement each hold every session, confirmed
-- order and their net revenue; attributed revenue is the order's net revenue
-- under each model, to the cent (its cents are allocated by largest remainder).
with

events as (select count(*) as n from {{ ref('stg_shop__events') }}),

sessions as (
    select
        count(*) as n,
        coalesce(sum(events), 0) as events
    from {{ ref('fct_sessions') }}
),

identified_sessions as (
    select count(*) as n from {{ ref('fct_sessions') }}
    where person_key is not null
),

monthly_sessions as (select coalesce(sum(sessions), 0) as n from {{ ref('customer_engagement_monthly') }}),

answers as (select count(*) as n from {{ ref('fct_feedback') }}),

summarised_answers as (select coalesce(sum(responses), 0) as n from {{ ref('feedback_summary') }}),

spend as (select coalesce(sum(amount_usd), 0) as usd from {{ ref('stg_shop__marketing_spend') }}),

reported_spend as (select coalesce(sum(spend_usd), 0) as usd from {{ ref('marketing_performance') }}),

confirmed as (
    select
        count(*) as n,
        coalesce(sum(net_revenue_usd), 0) as usd
    from {{ ref('fct_orders') }}
    where is_confirmed_order
),

loyalty_orders as (
    select coalesce(sum(member_orders + non_member_orders), 0) as n
    from {{ ref('loyalty_program_performance') }}
),

regional as (
    select
        geo_level,
        sum(sessions) as sessions,
        sum(orders) as orders,
        sum(net_revenue_usd) as usd
    from {{ ref('regional_engagement') }}
    group by geo_level
),

attributed as (
    select
        attribution.order_id,
        attribution.attribution_model,
        sum(attribution.attributed_net_revenue_usd) as usd,
        max(orders.net_revenue_usd) as order_usd
    from {{ ref('fct_order_attribution') }} as attribution
    inner join {{ ref('fct_orders') }} as orders
        on attribution.order_id = orders.order_id
    group by attribution.order_id, attribution.attribution_model
),

broken as (
    select 'fct_sessions events = stg_shop__events rows' as truth
    from sessions cross join events
    where sessions.events <> events.n
    union all
    select 'customer_engagement_monthly sessions = identified sessions of fct_sessions' as truth
    from monthly_sessions cross join identified_sessions
    where monthly_sessions.n <> identified_sessions.n
    union all
    select 'feedback_summary responses = fct_feedback rows' as truth
    from summarised_answers cross join answers
    where summarised_answers.n <> answers.n
    union all
    select 'marketing_performance spend_usd = stg_shop__marketing_spend amount_usd' as truth
    from reported_spend cross join spend
    where reported_spend.usd <> spend.usd
    union all
    select 'loyalty_program_performance member + non-member orders = confirmed orders' as truth
    from loyalty_orders cross join confirmed
    where loyalty_orders.n <> confirmed.n
    union all
    select concat('regional_engagement ', regional.geo_level, ' rows = fct_sessions and confirmed orders') as truth
    from regional cross join sessions cross join confirmed
    where regional.sessions <> sessions.n or regional.orders <> confirmed.n or regional.usd <> confirmed.usd
    union all
    select
        concat(
            'fct_order_attribution revenue of order ', attributed.order_id, ' under ',
            attributed.attribution_model
        ) as truth
    from attributed
    where attributed.usd <> attributed.order_usd
)

select * from broken
