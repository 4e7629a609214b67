{{ config(enabled=adapter_in_use('vtex')) }}
{#- The customers of the VTEX orders, one row per customer id (the VTEX profile id, else a
    salted hash of the e-mail), in the contract's customers columns: contact details, address
    and newsletter consent of their latest order; acquisition channel from their first order
    (marketplace, else the UTM medium mapped by the value_mappings or utm_channels seed, else
    direct); updated at their latest lastChange. VTEX orders carry no sign-up date: base_shop
    takes the first clean order. -#}

with

orders as (
    select * from {{ ref('base_vtex__orders') }}
    where rejection_rule is null and customer_id is not null
),

country_codes as (
    select * from {{ ref('vtex_country_codes') }}
),

acquisition_channels as (
    select channel from {{ ref('channel_mapping') }}
    where channel_context = 'acquisition'
),

utm_channels as (
    select
        utm_medium,
        session_channel
    from {{ ref('utm_channels') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id
            order by order_ts desc nulls last, last_change_ts desc nulls last, order_id desc
        ) as latest_rank,
        row_number() over (
            partition by customer_id
            order by order_ts nulls last, last_change_ts nulls last, order_id
        ) as first_rank,
        row_number() over (
            partition by customer_id
            order by last_change_ts desc nulls last, order_id desc
        ) as last_change_rank
    from orders
),

latest_orders as (
    select * from ranked
    where latest_rank = 1
),

first_orders as (
    select
        ranked.customer_id,
        case
            when ranked.is_from_marketplace then 'marketplace'
            when ranked.utm_medium is null then 'direct'
            else coalesce(
                medium_mapping.canonical_value,
                utm_acquisition_channels.channel,
                ranked.utm_medium
            )
        end as acquisition_channel
    from ranked
    {{ join_value_mapping('acquisition_channel', 'ranked.utm_medium', 'medium_mapping') }}
    left join utm_channels on ranked.utm_medium = utm_channels.utm_medium
    left join acquisition_channels as utm_acquisition_channels
        on utm_channels.session_channel = utm_acquisition_channels.channel
    where ranked.first_rank = 1
),

last_changes as (
    select
        customer_id,
        last_change
    from ranked
    where last_change_rank = 1
),

final as (
    select
        -- ids
        latest_orders.customer_id,

        -- personal data: clear only in staging (base_shop hashes it)
        latest_orders.email,
        latest_orders.phone,
        latest_orders.full_name,

        -- geography: VTEX writes ISO alpha-3 countries (BRA); an unknown code is passed on as
        -- it is, for base_shop to reject with the value named
        coalesce(
            country_codes.country_code,
            latest_orders.country
        ) as country_code,
        latest_orders.state_region,
        latest_orders.city,

        -- attributes
        cast(null as {{ dbt.type_string() }}) as signup_ts,
        first_orders.acquisition_channel,
        cast(null as {{ dbt.type_string() }}) as referred_by_customer_id,
        latest_orders.marketing_opt_in,
        cast(null as {{ dbt.type_string() }}) as loyalty_joined_ts,
        last_changes.last_change as updated_at
    from latest_orders
    inner join first_orders on latest_orders.customer_id = first_orders.customer_id
    inner join last_changes on latest_orders.customer_id = last_changes.customer_id
    left join country_codes on latest_orders.country = country_codes.country_code_alpha3
)

select * from final
