-- Per person, cohort grain (month, week) and period number since their cohort: confirmed orders,
-- net revenue and whether they were engaged (a meaningful engagement event, event_types seed).
-- Only periods with activity have a row; cohort_retention fills in the rest.
{%- set grains = var('retention_cohort_grains') %}

with

persons as (
    select * from {{ ref('int_persons_first_orders') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

person_ids as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

events as (
    select * from {{ ref('stg_shop__events') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

engagement_days as (
    select distinct
        person_ids.person_key,
        events.event_date as activity_date
    from events
    inner join event_types on events.event_type = event_types.event_type
    inner join person_ids on events.customer_id = person_ids.customer_id
    where event_types.is_meaningful_engagement
),

activity as (
    select
        person_key,
        order_date as activity_date,
        1 as orders,
        net_revenue_usd,
        1 as is_purchase,
        0 as is_engagement
    from orders
    union all
    select
        person_key,
        activity_date,
        0 as orders,
        cast(0 as decimal(18, 2)) as net_revenue_usd,
        0 as is_purchase,
        1 as is_engagement
    from engagement_days
),

by_period as (
    {% for grain in grains -%}
        select
            activity.person_key,
            '{{ grain }}' as cohort_grain,
            {{ dbt.datediff(
                dbt.date_trunc(grain, 'persons.first_order_date'),
                dbt.date_trunc(grain, 'activity.activity_date'),
                grain
            ) }} as period_number,
            sum(activity.orders) as orders,
            sum(activity.net_revenue_usd) as net_revenue_usd,
            max(activity.is_purchase) = 1 as is_active,
            max(activity.is_engagement) = 1 as is_engaged
        from activity
        inner join persons on activity.person_key = persons.person_key
        where activity.activity_date >= {{ dbt.date_trunc(grain, 'persons.first_order_date') }}
        group by
            activity.person_key,
            {{ dbt.datediff(
                dbt.date_trunc(grain, 'persons.first_order_date'),
                dbt.date_trunc(grain, 'activity.activity_date'),
                grain
            ) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from by_period
