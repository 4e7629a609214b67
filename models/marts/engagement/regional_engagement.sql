-- Engagement and sales per country, state and month, with a sub-region roll-up (geo_level
-- sub_region: country_code, country_name and state_region are 'all'). Months are local
-- (doc block business_timezone). A session, order or answer is placed by
-- its person's home country and state (int_persons, doc block person_home); sessions of visitors
-- never identified are placed by their event country, state 'unknown'. Every rate sits beside its numerator and
-- denominator: re-aggregate by summing those, never by averaging rates.
{%- set fact_columns = {
    'session_facts': ['sessions', 'visitors', 'bounced_sessions', 'purchase_sessions', 'cart_sessions',
        'abandoned_cart_sessions', 'whatsapp_sessions'],
    'event_facts': ['wishlist_adds', 'social_shares'],
    'order_facts': ['active_customers', 'new_customers', 'repeat_customers', 'orders', 'net_revenue_usd',
        'placed_orders', 'cod_orders', 'cod_confirmed_orders'],
    'feedback_facts': ['nps_responses', 'promoters', 'detractors', 'csat_responses', 'csat_satisfied'],
    'engagement_facts': ['engaged_customers', 'engagement_score_sum'],
} %}
{%- set all_columns = [] %}
{%- for columns in fact_columns.values() %}{% do all_columns.extend(columns) %}{% endfor %}

with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

events as (
    select * from {{ ref('int_events_sessionized') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

feedback as (
    select * from {{ ref('fct_feedback') }}
),

engagement as (
    select * from {{ ref('int_persons_engagement_by_month') }}
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

person_places as (
    select * from {{ ref('int_persons') }}
),

countries as (
    select * from {{ ref('countries') }}
),

-- Every customer id placed where its person is (the person's home), so a person counts in one
-- state only and the distinct counts of the states add up to the sub-region.
customer_places as (
    select
        persons.customer_id,
        person_places.country_code,
        person_places.state_region
    from persons
    inner join person_places on persons.person_key = person_places.person_key
),

session_facts as (
    select
        coalesce(customer_places.country_code, sessions.country_code, 'unknown') as country_code,
        coalesce(customer_places.state_region, 'unknown') as state_region,
        cast({{ dbt.date_trunc('month', 'sessions.session_date') }} as date) as month_start,
        count(*) as sessions,
        count(distinct sessions.visitor_key) as visitors,
        sum(case when sessions.is_bounce then 1 else 0 end) as bounced_sessions,
        sum(case when sessions.has_purchase then 1 else 0 end) as purchase_sessions,
        sum(case when sessions.has_add_to_cart then 1 else 0 end) as cart_sessions,
        sum(case when sessions.has_add_to_cart and not sessions.has_purchase then 1 else 0 end)
            as abandoned_cart_sessions,
        sum(case when sessions.has_whatsapp_message then 1 else 0 end) as whatsapp_sessions
    from sessions
    left join customer_places on sessions.customer_id = customer_places.customer_id
    group by
        coalesce(customer_places.country_code, sessions.country_code, 'unknown'),
        coalesce(customer_places.state_region, 'unknown'),
        cast({{ dbt.date_trunc('month', 'sessions.session_date') }} as date)
),

event_facts as (
    select
        coalesce(customer_places.country_code, events.country_code, 'unknown') as country_code,
        coalesce(customer_places.state_region, 'unknown') as state_region,
        cast({{ dbt.date_trunc('month', 'events.event_date') }} as date) as month_start,
        {{ event_signal_count('wishlist_adds') }} as wishlist_adds,
        {{ event_signal_count('social_shares') }} as social_shares
    from events
    left join customer_places on events.stitched_customer_id = customer_places.customer_id
    group by
        coalesce(customer_places.country_code, events.country_code, 'unknown'),
        coalesce(customer_places.state_region, 'unknown'),
        cast({{ dbt.date_trunc('month', 'events.event_date') }} as date)
),

order_facts as (
    select
        customer_places.country_code,
        coalesce(customer_places.state_region, 'unknown') as state_region,
        cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date) as month_start,
        count(distinct case when orders.is_confirmed_order then orders.person_key end) as active_customers,
        count(distinct case when orders.is_first_confirmed_order then orders.person_key end) as new_customers,
        count(distinct case when orders.confirmed_order_sequence > 1 then orders.person_key end)
            as repeat_customers,
        sum(case when orders.is_confirmed_order then 1 else 0 end) as orders,
        sum(case when orders.is_confirmed_order then orders.net_revenue_usd else 0 end) as net_revenue_usd,
        count(*) as placed_orders,
        sum(case when orders.is_cash_on_delivery then 1 else 0 end) as cod_orders,
        sum(case when orders.is_cash_on_delivery and orders.is_confirmed_order then 1 else 0 end)
            as cod_confirmed_orders
    from orders
    inner join customer_places on orders.customer_id = customer_places.customer_id
    group by
        customer_places.country_code,
        coalesce(customer_places.state_region, 'unknown'),
        cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date)
),

feedback_facts as (
    select
        customer_places.country_code,
        coalesce(customer_places.state_region, 'unknown') as state_region,
        feedback.submitted_month as month_start,
        sum(case when feedback.survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum(case when feedback.nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when feedback.nps_category = 'detractor' then 1 else 0 end) as detractors,
        sum(case when feedback.survey_type = 'csat' then 1 else 0 end) as csat_responses,
        sum(case when feedback.is_csat_satisfied then 1 else 0 end) as csat_satisfied
    from feedback
    inner join customer_places on feedback.customer_id = customer_places.customer_id
    group by
        customer_places.country_code,
        coalesce(customer_places.state_region, 'unknown'),
        feedback.submitted_month
),

engagement_facts as (
    select
        person_places.country_code,
        person_places.state_region,
        engagement.month_start,
        count(*) as engaged_customers,
        -- a score is counts times weights of at most 4 decimals: summed as a decimal, the total
        -- does not depend on the order the rows are added in (a double sum does, in its last bits)
        sum(cast(engagement.engagement_score as decimal(18, 4))) as engagement_score_sum
    from engagement
    inner join person_places on engagement.person_key = person_places.person_key
    group by
        person_places.country_code,
        person_places.state_region,
        engagement.month_start
),

facts as (
    {% for relation, columns in fact_columns.items() -%}
        select
            {% for column in all_columns -%}
                {{ column if column in columns else '0' }} as {{ column }},
            {% endfor -%}
            country_code,
            state_region,
            month_start
        from {{ relation }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

by_state as (
    select
        {% for column in all_columns -%}
            sum(facts.{{ column }}) as {{ column }},
        {% endfor -%}
        'state' as geo_level,
        coalesce(countries.sub_region, 'unknown') as sub_region,
        facts.country_code,
        countries.country_name,
        facts.state_region,
        facts.month_start
    from facts
    left join countries on facts.country_code = countries.country_code
    group by
        coalesce(countries.sub_region, 'unknown'),
        facts.country_code,
        countries.country_name,
        facts.state_region,
        facts.month_start
),

by_sub_region as (
    select
        {% for column in all_columns -%}
            sum({{ column }}) as {{ column }},
        {% endfor -%}
        'sub_region' as geo_level,
        sub_region,
        'all' as country_code,
        'all' as country_name,
        'all' as state_region,
        month_start
    from by_state
    group by sub_region, month_start
),

unioned as (
    select * from by_state
    union all
    select * from by_sub_region
),

final as (
    select
        geo_level,
        sub_region,
        country_code,
        country_name,
        state_region,
        month_start as activity_month,
        {% for column in all_columns if column not in ('net_revenue_usd', 'engagement_score_sum') -%}
            cast({{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {% endfor -%}
        cast(net_revenue_usd as decimal(18, 2)) as net_revenue_usd,
        cast(engagement_score_sum as double) as engagement_score_sum,
        cast(bounced_sessions as double) / nullif(sessions, 0) as bounce_rate,
        cast(purchase_sessions as double) / nullif(sessions, 0) as conversion_rate,
        cast(abandoned_cart_sessions as double) / nullif(cart_sessions, 0) as cart_abandonment_rate,
        cast(whatsapp_sessions as double) / nullif(sessions, 0) as whatsapp_session_share,
        cast(repeat_customers as double) / nullif(active_customers, 0) as repeat_purchase_rate,
        {{ average_to_the_cent('net_revenue_usd', 'nullif(orders, 0)') }} as average_order_value_usd,
        cast(cod_orders as double) / nullif(placed_orders, 0) as cod_share,
        cast(cod_confirmed_orders as double) / nullif(cod_orders, 0) as cod_confirmation_rate,
        {{ nps_score('promoters', 'detractors', 'nps_responses') }} as nps,
        cast(csat_satisfied as double) / nullif(csat_responses, 0) as csat_satisfied_rate,
        cast(engagement_score_sum as double) / nullif(engaged_customers, 0) as average_engagement_score
    from unioned
)

select * from final
