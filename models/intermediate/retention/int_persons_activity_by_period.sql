-- Per person, cohort grain (month, week) and period number since their cohort: confirmed orders,
-- net revenue and whether they were engaged (a meaningful engagement event, event_types seed).
-- Only periods with activity have a row; cohort_retention fills in the rest.
--
-- Incremental (doc block activity_by_period_incremental): a run recomputes every row of the
-- persons whose inputs changed since the last run and keeps the others'. A person changed when
-- their confirmed orders fall in other periods or sum to other amounts than stored, when their
-- customer ids or those ids' time zones (which place events on local days) differ from the
-- stored fingerprint, or when an event of one of their customer ids was loaded since (a late,
-- re-delivered, revalidated or erased event, clean or rejected now). Rows are replaced by person;
-- the post-hook deletes persons without a confirmed order now.
-- Events are read from int_events_sessionized, which holds every clean event with its local date
-- already computed (stg_shop__events computes it on every read: DECISIONS.md, issue 22, "the
-- cohort matrix and RFM path against pandas").
-- depends_on: {{ ref('stg_shop__event_loads') }}
{{ config(
    materialized=keyed_incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='person_key',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}{% set condition %}
        person_key not in (select person_key from {{ ref('int_persons_first_orders') }}){% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}
{%- set grains = var('retention_cohort_grains') %}

with

all_persons as (
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
    select * from {{ ref('int_events_sessionized') }}
),

event_types as (
    select * from {{ ref('event_types') }}
),

-- what places a person's events on local days: their customer ids and each id's time zone
customer_fingerprints as (
    {{ customer_ids_fingerprints('person_ids') }}
),

{% if is_incremental() %}
    stored as (
        select * from {{ this }}
    ),

    order_periods as (
        {% for grain in grains -%}
            select
                orders.person_key,
                '{{ grain }}' as cohort_grain,
                {{ cohort_period_number(
                    grain,
                    'persons.first_order_date',
                    'orders.order_date'
                ) }} as period_number,
                count(*) as orders,
                sum(orders.net_revenue_usd) as net_revenue_usd
            from orders
            inner join all_persons as persons on orders.person_key = persons.person_key
            group by
                orders.person_key,
                {{ cohort_period_number(
                    grain,
                    'persons.first_order_date',
                    'orders.order_date'
                ) }}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    changed_persons as (
        -- orders in other periods or with other amounts than stored (new, changed, re-homed)
        select coalesce(order_periods.person_key, stored_orders.person_key) as person_key
        from order_periods
        full outer join (select * from stored where orders > 0) as stored_orders
            on
                order_periods.person_key = stored_orders.person_key
                and order_periods.cohort_grain = stored_orders.cohort_grain
                and order_periods.period_number = stored_orders.period_number
        where
            order_periods.orders is distinct from stored_orders.orders
            or order_periods.net_revenue_usd is distinct from stored_orders.net_revenue_usd
        union
        -- other customer ids, or ids in another time zone, than when stored, or an event of theirs
        -- loaded since the last run, clean or rejected now (the macro shared with the engagement
        -- models)
        {{ persons_with_changed_events('stored', 'customer_fingerprints', 'person_ids') }}
    ),

    persons as (
        select all_persons.*
        from all_persons
        where all_persons.person_key in (select changed_persons.person_key from changed_persons)
    ),
{% else %}
    persons as (
        select * from all_persons
    ),
{% endif %}

engagement_days as (
    select distinct
        person_ids.person_key,
        events.event_date as activity_date
    from events
    inner join event_types on events.event_type = event_types.event_type
    inner join person_ids on events.customer_id = person_ids.customer_id
    {%- if is_incremental() %}
        inner join persons on person_ids.person_key = persons.person_key
    {%- endif %}
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
            {{ cohort_period_number(
                grain,
                'persons.first_order_date',
                'activity.activity_date'
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
            {{ cohort_period_number(
                grain,
                'persons.first_order_date',
                'activity.activity_date'
            ) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        by_period.person_key,
        by_period.cohort_grain,
        by_period.period_number,
        by_period.orders,
        by_period.net_revenue_usd,
        by_period.is_active,
        by_period.is_engaged,
        customer_fingerprints.customer_ids_fingerprint,
        {{ run_started_at_utc() }} as loaded_at
    from by_period
    inner join customer_fingerprints on by_period.person_key = customer_fingerprints.person_key
)

select * from final
