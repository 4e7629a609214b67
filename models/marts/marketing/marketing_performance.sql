-- Marketing per country, channel and month: spend in USD, new customers (persons whose first
-- confirmed order falls in the month, by the acquisition channel of their first customer id),
-- CAC, and for the email channel the open and click-to-open rates. CAC is null without spend
-- (organic channels, or no marketing_spend rows at all: an unknown cost is not a cost of 0) and
-- without new customers (no division by zero). Months are local (doc block business_timezone);
-- spend_date is the market's reporting day as delivered.
with

spend as (
    select
        country_code,
        channel,
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as month_start,
        sum(amount_usd) as spend_usd
    from {{ ref('stg_shop__marketing_spend') }}
    group by country_code, channel, cast({{ dbt.date_trunc('month', 'spend_date') }} as date)
),

new_customers as (
    select
        country as country_code,
        acquisition_channel as channel,
        cast({{ dbt.date_trunc('month', 'first_order_date') }} as date) as month_start,
        count(*) as new_customers
    from {{ ref('int_persons_first_orders') }}
    group by country, acquisition_channel, cast({{ dbt.date_trunc('month', 'first_order_date') }} as date)
),

customers as (
    select * from {{ ref('stg_shop__customers') }}
),

countries as (
    select * from {{ ref('countries') }}
),

email_events as (
    select * from {{ ref('stg_shop__events') }}
    where event_type in ('email_open', 'email_click')
),

opted_in as (
    -- customers who may receive e-mail (opted in now), counted in the month they signed up
    select
        country_code,
        cast({{ dbt.date_trunc('month', 'signup_date') }} as date) as month_start,
        count(*) as opted_in_signups
    from customers
    where marketing_opt_in
    group by country_code, cast({{ dbt.date_trunc('month', 'signup_date') }} as date)
),

-- one row per opted-in customer, country and month with e-mail activity: the openers and clickers
-- are then counted as rows, not with two count(distinct) over every e-mail event
email_activity_by_customer as (
    select
        customers.country_code,
        cast({{ dbt.date_trunc('month', 'events.event_date') }} as date) as month_start,
        events.customer_id,
        sum(case when events.event_type = 'email_open' then 1 else 0 end) as email_opens,
        sum(case when events.event_type = 'email_click' then 1 else 0 end) as email_clicks
    from email_events as events
    inner join customers on events.customer_id = customers.customer_id
    where customers.marketing_opt_in
    group by
        customers.country_code,
        cast({{ dbt.date_trunc('month', 'events.event_date') }} as date),
        events.customer_id
),

email_activity as (
    -- e-mail activity of the customers opted in now, by the customer's country: the same people
    -- as the open rate's denominator, so the rate cannot exceed 1
    select
        country_code,
        'email' as channel,
        month_start,
        -- a click proves the e-mail was opened, even when the open pixel was blocked
        count(*) as email_openers,
        sum(case when email_clicks > 0 then 1 else 0 end) as email_clickers,
        sum(email_opens) as email_opens,
        sum(email_clicks) as email_clicks
    from email_activity_by_customer
    group by country_code, month_start
),

opted_in_to_date as (
    -- for every month with e-mail activity, the opted-in customers signed up by its end
    select
        email_activity.country_code,
        email_activity.month_start,
        sum(opted_in.opted_in_signups) as opted_in_customers
    from email_activity
    inner join opted_in
        on
            email_activity.country_code = opted_in.country_code
            and email_activity.month_start >= opted_in.month_start
    group by email_activity.country_code, email_activity.month_start
),

keys as (
    select
        country_code,
        channel,
        month_start
    from spend
    union
    select
        country_code,
        channel,
        month_start
    from new_customers
    union
    select
        country_code,
        channel,
        month_start
    from email_activity
),

final as (
    select
        keys.country_code,
        countries.country_name,
        keys.channel as acquisition_channel,
        keys.month_start as activity_month,
        cast(coalesce(spend.spend_usd, 0) as decimal(18, 2)) as spend_usd,
        cast(coalesce(new_customers.new_customers, 0) as {{ dbt.type_bigint() }}) as new_customers,
        {{ average_to_the_cent('nullif(spend.spend_usd, 0)', 'nullif(new_customers.new_customers, 0)') }}
            as cac_usd,
        cast(email_activity.email_openers as {{ dbt.type_bigint() }}) as email_openers,
        cast(
            case when keys.channel = 'email' then opted_in_to_date.opted_in_customers end
            as {{ dbt.type_bigint() }}
        ) as opted_in_customers,
        cast(email_activity.email_openers as double)
        / nullif(case when keys.channel = 'email' then opted_in_to_date.opted_in_customers end, 0)
            as email_open_rate,
        cast(email_activity.email_opens as {{ dbt.type_bigint() }}) as email_opens,
        cast(email_activity.email_clicks as {{ dbt.type_bigint() }}) as email_clicks,
        cast(email_activity.email_clickers as {{ dbt.type_bigint() }}) as email_clickers,
        cast(email_activity.email_clickers as double) / nullif(email_activity.email_openers, 0)
            as email_click_to_open_rate
    from keys
    left join countries on keys.country_code = countries.country_code
    left join spend
        on
            keys.country_code = spend.country_code
            and keys.channel = spend.channel
            and keys.month_start = spend.month_start
    left join new_customers
        on
            keys.country_code = new_customers.country_code
            and keys.channel = new_customers.channel
            and keys.month_start = new_customers.month_start
    left join email_activity
        on
            keys.country_code = email_activity.country_code
            and keys.channel = email_activity.channel
            and keys.month_start = email_activity.month_start
    left join opted_in_to_date
        on
            keys.country_code = opted_in_to_date.country_code
            and keys.month_start = opted_in_to_date.month_start
)

select * from final
