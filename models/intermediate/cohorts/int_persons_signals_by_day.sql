-- One row per person, local day and signal with a count above zero: the daily inputs of the
-- dynamic cohorts' rules (doc block cohort_rules). The engagement signals are counted as
-- int_persons_engagement_by_month counts them (macro event_signal_count), on the event's local
-- date; confirmed_orders on the order's local date (with their net revenue), detractor_answers
-- on the answer's local date.
{%- set event_signals = cohort_signals() | reject('in', ['sessions', 'active_days']) | list %}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
    where stitched_customer_id is not null
),

customer_persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

feedback as (
    select * from {{ ref('stg_shop__feedback') }}
    where survey_type = 'nps'
),

event_days as (
    select
        customer_persons.person_key,
        events.event_date as activity_date,
        sum(case when events.is_session_start then 1 else 0 end) as sessions,
        1 as active_days,
        {%- for signal in event_signals %}
            {{ event_signal_count(signal) }} as {{ signal }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from events
    inner join customer_persons on events.stitched_customer_id = customer_persons.customer_id
    group by customer_persons.person_key, events.event_date
),

event_signal_days as (
    {%- for signal in cohort_signals() %}
        select
            person_key,
            activity_date,
            '{{ signal }}' as signal_name,
            {{ signal }} as signal_count,
            cast(null as decimal(18, 2)) as net_revenue_usd
        from event_days
        where {{ signal }} > 0
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

order_days as (
    select
        person_key,
        order_date as activity_date,
        'confirmed_orders' as signal_name,
        count(*) as signal_count,
        sum(net_revenue_usd) as net_revenue_usd
    from orders
    group by person_key, order_date
),

detractor_days as (
    select
        customer_persons.person_key,
        feedback.submitted_date as activity_date,
        'detractor_answers' as signal_name,
        count(*) as signal_count,
        cast(null as decimal(18, 2)) as net_revenue_usd
    from feedback
    inner join customer_persons on feedback.customer_id = customer_persons.customer_id
    where {{ nps_category('feedback.score') }} = 'detractor'
    group by customer_persons.person_key, feedback.submitted_date
),

final as (
    select
        person_key,
        activity_date,
        signal_name,
        cast(signal_count as {{ dbt.type_bigint() }}) as signal_count,
        cast(net_revenue_usd as decimal(18, 2)) as net_revenue_usd
    from (
        select * from event_signal_days
        union all
        select * from order_days
        union all
        select * from detractor_days
    ) as signal_days
)

select * from final
