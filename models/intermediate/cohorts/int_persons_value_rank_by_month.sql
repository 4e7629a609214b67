-- One row per local calendar month and person with a confirmed order before it: the person's
-- net revenue to date (confirmed orders before the month, USD) and its percent rank among those
-- persons, highest first (0 = the top; ties share a rank). Rule top_value_no_order of the dynamic
-- cohorts (doc block cohort_rules) reads a person's rank of the month a day falls in, so the
-- decile moves monthly and never looks at orders after the day. Months up to the data end.

with

orders as (
    select * from {{ ref('int_persons_signals_by_day') }}
    where signal_name = 'confirmed_orders'
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

months as (
    select distinct calendar_days.month_start
    from {{ ref('stg_reference__calendar_days') }} as calendar_days
    cross join data_end
    where calendar_days.date_day <= data_end.data_end_date
),

revenue_by_month as (
    select
        person_key,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as order_month_start,
        sum(net_revenue_usd) as net_revenue_usd
    from orders
    group by person_key, cast({{ dbt.date_trunc('month', 'activity_date') }} as date)
),

first_order_months as (
    select
        person_key,
        min(order_month_start) as first_order_month_start
    from revenue_by_month
    group by person_key
),

-- every month after the person's first order month, with the revenue of the month before it;
-- summed to date as decimals, exact in any order
person_months as (
    select
        first_order_months.person_key,
        months.month_start,
        coalesce(revenue_by_month.net_revenue_usd, 0) as previous_month_net_revenue_usd
    from first_order_months
    inner join months on first_order_months.first_order_month_start < months.month_start
    left join revenue_by_month
        on
            first_order_months.person_key = revenue_by_month.person_key
            and revenue_by_month.order_month_start
            = cast({{ dbt.dateadd('month', -1, 'months.month_start') }} as date)
),

revenue_to_date as (
    select
        month_start,
        person_key,
        sum(previous_month_net_revenue_usd) over (
            partition by person_key
            order by month_start asc
            rows between unbounded preceding and current row
        ) as net_revenue_usd_to_date
    from person_months
),

final as (
    select
        month_start,
        person_key,
        cast(net_revenue_usd_to_date as decimal(18, 2)) as net_revenue_usd_to_date,
        cast(
            percent_rank() over (partition by month_start order by net_revenue_usd_to_date desc) as double
        ) as net_revenue_percent_rank
    from revenue_to_date
)

select * from final
