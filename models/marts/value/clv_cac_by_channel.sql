-- CLV beside CAC per country and acquisition channel, for the customers acquired in the year up to
-- the observation end (first confirmed order in it) and the marketing spend of the same year
-- (doc block clv_to_cac).
with

customers as (
    select * from {{ ref('customer_lifetime_value') }}
),

spend as (
    select * from {{ ref('stg_shop__marketing_spend') }}
),

countries as (
    select * from {{ ref('countries') }}
),

window_bounds as (
    select
        {{ clv_observation_end() }} as window_end_date,
        {{ dbt.dateadd('day', -1 * var('clv_cac_window_days'), clv_observation_end()) }} as window_start_exclusive
),

acquired as (
    select
        customers.country_code,
        customers.acquisition_channel,
        count(*) as new_customers,
        sum(customers.historical_net_revenue_usd) as net_revenue_to_date_usd,
        sum(customers.predicted_clv_12m_usd) as predicted_clv_12m_usd,
        count(customers.predicted_clv_12m_usd) as customers_with_prediction
    from customers
    cross join window_bounds
    where
        customers.first_purchase_period > window_bounds.window_start_exclusive
        and customers.first_purchase_period <= window_bounds.window_end_date
    group by customers.country_code, customers.acquisition_channel
),

channel_spend as (
    select
        spend.country_code,
        spend.channel as acquisition_channel,
        sum(spend.amount_usd) as spend_usd
    from spend
    cross join window_bounds
    where
        spend.spend_date > window_bounds.window_start_exclusive
        and spend.spend_date <= window_bounds.window_end_date
    group by spend.country_code, spend.channel
),

keys as (
    select
        country_code,
        acquisition_channel
    from acquired
    union
    select
        country_code,
        acquisition_channel
    from channel_spend
),

final as (
    select
        keys.country_code,
        countries.country_name,
        keys.acquisition_channel,
        (select window_bounds.window_end_date from window_bounds) as window_end_date,
        cast(coalesce(channel_spend.spend_usd, 0) as decimal(18, 2)) as spend_usd,
        cast(coalesce(acquired.new_customers, 0) as {{ dbt.type_bigint() }}) as new_customers,
        -- null without spend or without new customers, never 0 (doc block cac)
        {{ average_to_the_cent('nullif(channel_spend.spend_usd, 0)', 'nullif(acquired.new_customers, 0)') }}
            as cac_usd,
        cast(coalesce(acquired.net_revenue_to_date_usd, 0) as decimal(18, 2)) as net_revenue_to_date_usd,
        cast(acquired.predicted_clv_12m_usd as decimal(18, 2)) as predicted_clv_12m_usd,
        cast(coalesce(acquired.customers_with_prediction, 0) as {{ dbt.type_bigint() }})
            as customers_with_prediction,
        {{ average_to_the_cent(
            'acquired.net_revenue_to_date_usd + acquired.predicted_clv_12m_usd',
            'nullif(acquired.new_customers, 0)'
        ) }} as value_per_customer_usd,
        (cast(acquired.net_revenue_to_date_usd as double) + acquired.predicted_clv_12m_usd)
        / nullif(cast(channel_spend.spend_usd as double), 0) as clv_to_cac_ratio
    from keys
    left join countries on keys.country_code = countries.country_code
    left join acquired
        on
            keys.country_code = acquired.country_code
            and keys.acquisition_channel = acquired.acquisition_channel
    left join channel_spend
        on
            keys.country_code = channel_spend.country_code
            and keys.acquisition_channel = channel_spend.acquisition_channel
)

select * from final
