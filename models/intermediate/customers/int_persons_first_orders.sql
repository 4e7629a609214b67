-- One row per person with at least one confirmed order: their first confirmed order and the
-- segments cohorts are cut by. Country, sub-region, acquisition channel and loyalty membership
-- are the person's own, read from int_persons (doc block person_home); the first order's
-- category is the category of its largest line (by net USD amount, then product id). Two
-- attributes are dynamic, known only later: the NPS category of the person's first NPS answer
-- (no_answer without one) and whether the person ever used WhatsApp (a whatsapp_message event
-- or a WhatsApp order); they describe the person, not what was known at the first order, so
-- read their curves as association. The engagement tier is the tier of the cohort month, the
-- calendar month of the first order (dormant without any signal that month).
with

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

person_attributes as (
    select * from {{ ref('int_persons') }}
),

order_items as (
    select * from {{ ref('stg_shop__order_items') }}
),

products as (
    select * from {{ ref('stg_shop__products') }}
),

feedback as (
    select * from {{ ref('stg_shop__feedback') }}
),

events as (
    select * from {{ ref('stg_shop__events') }}
),

first_nps_answers as (
    select
        persons.person_key,
        feedback.score,
        row_number() over (
            partition by persons.person_key
            order by feedback.submitted_ts asc, feedback.feedback_id asc
        ) as answer_rank
    from feedback
    inner join persons on feedback.customer_id = persons.customer_id
    where feedback.survey_type = 'nps'
),

engagement as (
    select * from {{ ref('int_persons_engagement_by_month') }}
),

whatsapp_users as (
    select distinct persons.person_key
    from events
    inner join persons on events.customer_id = persons.customer_id
    where events.event_type = 'whatsapp_message'
    union
    select distinct person_key
    from orders
    where channel = 'whatsapp'
),

first_orders as (
    select * from orders
    where is_first_confirmed_order
),

first_order_lines as (
    select
        order_items.order_id,
        products.category,
        row_number() over (
            partition by order_items.order_id
            order by order_items.line_net_usd desc, order_items.product_id asc
        ) as line_rank
    from order_items
    inner join first_orders on order_items.order_id = first_orders.order_id
    inner join products on order_items.product_id = products.product_id
),

final as (
    select
        first_orders.person_key,
        first_orders.order_id as first_order_id,
        first_orders.order_ts as first_order_ts,
        first_orders.order_date as first_order_date,
        first_orders.net_revenue_usd as first_order_net_revenue_usd,
        person_attributes.country_code as country,
        person_attributes.country_name,
        person_attributes.sub_region,
        person_attributes.acquisition_channel,
        first_orders.channel as first_order_channel,
        first_orders.payment_method as first_payment_method,
        case when person_attributes.is_loyalty_member then 'member' else 'non_member' end as loyalty_member,
        coalesce(first_order_lines.category, 'unknown') as first_order_category,
        coalesce({{ nps_category('first_nps_answers.score') }}, 'no_answer') as nps_category,
        case when whatsapp_users.person_key is not null then 'yes' else 'no' end as has_used_whatsapp,
        coalesce(engagement.engagement_tier, 'dormant') as first_month_engagement_tier
    from first_orders
    inner join person_attributes on first_orders.order_id = person_attributes.first_order_id
    left join first_order_lines
        on
            first_orders.order_id = first_order_lines.order_id
            and first_order_lines.line_rank = 1
    left join first_nps_answers
        on
            first_orders.person_key = first_nps_answers.person_key
            and first_nps_answers.answer_rank = 1
    left join whatsapp_users on first_orders.person_key = whatsapp_users.person_key
    left join engagement
        on
            first_orders.person_key = engagement.person_key
            and cast({{ dbt.date_trunc('month', 'first_orders.order_date') }} as date) = engagement.month_start
)

select * from final
