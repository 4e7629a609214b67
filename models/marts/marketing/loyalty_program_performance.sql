-- The loyalty programme per country and month: members and participation, points earned (loyalty
-- events) and redeemed (on confirmed orders), and the repeat rate of members' and non-members'
-- purchases. Membership is per customer id and counts from its loyalty_joined_ts; a purchase is
-- a repeat when it is not the person's first confirmed order. Days and months are local
-- (doc block business_timezone).
with

customers as (
    select * from {{ ref('stg_shop__customers') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

events as (
    select * from {{ ref('stg_shop__events') }}
    where event_type = 'loyalty_points_earned'
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

calendar_days as (
    select * from {{ ref('stg_reference__calendar_days') }}
),

months as (
    select distinct month_start
    from calendar_days
),

countries as (
    select * from {{ ref('countries') }}
),

-- a market's months start at its first sign-up or first confirmed order, whichever is earlier
-- (an export may date an account after the guest order that came before it)
markets as (
    select
        country_code,
        cast({{ dbt.date_trunc('month', 'min(first_date)') }} as date) as first_month
    from (
        select
            country_code,
            signup_date as first_date
        from customers
        union all
        select
            country_code,
            order_date as first_date
        from orders
    ) as market_dates
    group by country_code
),

calendar as (
    select
        markets.country_code,
        months.month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month_start')) }} as date) as month_end
    from markets
    cross join months
    cross join data_end
    where months.month_start between markets.first_month and data_end.data_end_date
),

customer_counts as (
    select
        calendar.country_code,
        calendar.month_start,
        count(*) as customers_to_date,
        sum(case when customers.loyalty_joined_date <= calendar.month_end then 1 else 0 end)
            as members_to_date,
        sum(
            case
                when cast({{ dbt.date_trunc('month', 'customers.loyalty_joined_date') }} as date) = calendar.month_start
                    then 1
                else 0
            end
        ) as new_members
    from calendar
    inner join customers
        on
            calendar.country_code = customers.country_code
            and calendar.month_end >= customers.signup_date
    group by calendar.country_code, calendar.month_start
),

points_earned as (
    select
        customers.country_code,
        cast({{ dbt.date_trunc('month', 'events.event_date') }} as date) as month_start,
        sum(events.loyalty_points) as points_earned
    from events
    inner join customers on events.customer_id = customers.customer_id
    group by customers.country_code, cast({{ dbt.date_trunc('month', 'events.event_date') }} as date)
),

purchases as (
    select
        orders.country_code,
        cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date) as month_start,
        orders.loyalty_points_redeemed,
        coalesce(customers.loyalty_joined_ts <= orders.order_ts, false) as is_member_purchase,
        orders.confirmed_order_sequence > 1 as is_repeat_purchase
    from orders
    inner join customers on orders.customer_id = customers.customer_id
),

purchase_counts as (
    select
        country_code,
        month_start,
        sum(loyalty_points_redeemed) as points_redeemed,
        sum(case when is_member_purchase then 1 else 0 end) as member_orders,
        sum(case when is_member_purchase and is_repeat_purchase then 1 else 0 end) as member_repeat_orders,
        sum(case when not is_member_purchase then 1 else 0 end) as non_member_orders,
        sum(case when not is_member_purchase and is_repeat_purchase then 1 else 0 end) as non_member_repeat_orders
    from purchases
    group by country_code, month_start
),

final as (
    select
        calendar.country_code,
        countries.country_name,
        calendar.month_start as activity_month,
        cast(coalesce(customer_counts.customers_to_date, 0) as {{ dbt.type_bigint() }}) as customers_to_date,
        cast(coalesce(customer_counts.members_to_date, 0) as {{ dbt.type_bigint() }}) as members_to_date,
        cast(coalesce(customer_counts.new_members, 0) as {{ dbt.type_bigint() }}) as new_members,
        cast(customer_counts.members_to_date as double) / nullif(customer_counts.customers_to_date, 0)
            as participation_rate,
        cast(coalesce(points_earned.points_earned, 0) as {{ dbt.type_bigint() }}) as loyalty_points_earned,
        cast(coalesce(purchase_counts.points_redeemed, 0) as {{ dbt.type_bigint() }}) as loyalty_points_redeemed,
        cast(purchase_counts.points_redeemed as double) / nullif(points_earned.points_earned, 0) as redemption_rate,
        cast(coalesce(purchase_counts.member_orders, 0) as {{ dbt.type_bigint() }}) as member_orders,
        cast(coalesce(purchase_counts.member_repeat_orders, 0) as {{ dbt.type_bigint() }}) as member_repeat_orders,
        cast(purchase_counts.member_repeat_orders as double) / nullif(purchase_counts.member_orders, 0)
            as member_repeat_rate,
        cast(coalesce(purchase_counts.non_member_orders, 0) as {{ dbt.type_bigint() }}) as non_member_orders,
        cast(coalesce(purchase_counts.non_member_repeat_orders, 0) as {{ dbt.type_bigint() }})
            as non_member_repeat_orders,
        cast(purchase_counts.non_member_repeat_orders as double) / nullif(purchase_counts.non_member_orders, 0)
            as non_member_repeat_rate
    -- every month of the market, also one before its first sign-up that holds an order
    from calendar
    left join customer_counts
        on
            calendar.country_code = customer_counts.country_code
            and calendar.month_start = customer_counts.month_start
    left join countries on calendar.country_code = countries.country_code
    left join points_earned
        on
            calendar.country_code = points_earned.country_code
            and calendar.month_start = points_earned.month_start
    left join purchase_counts
        on
            calendar.country_code = purchase_counts.country_code
            and calendar.month_start = purchase_counts.month_start
)

select * from final
