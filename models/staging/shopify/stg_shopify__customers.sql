-- Shopify customers as contract customers, as text for base_shop__customers (which hashes the
-- personal data): address from the default customer_address (else the latest order's), how they
-- came / loyalty / referrer from customer tags; and one customer `guest-<order id>` per guest
-- checkout (an order without customer_id), from the order itself.
{{ config(enabled=adapter_in_use('shopify')) }}
with

customers as (
    select * from {{ source('shopify', 'customer') }}
),

orders as (
    select * from {{ source('shopify', 'order') }}
    where not coalesce({{ parse_boolean('test') }}, false)
),

addresses as (
    select
        {{ clean_text('id') }} as address_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('city') }} as city,
        {{ clean_text('province') }} as province,
        {{ clean_text('country_code') }} as country_code,
        coalesce({{ parse_boolean('is_default') }}, false) as is_default
    from {{ source('shopify', 'customer_address') }}
),

-- the customer's default address: default_address_id, else the address flagged default
default_addresses as (
    select
        customers_ids.customer_id,
        addresses.phone,
        addresses.city,
        addresses.province,
        addresses.country_code,
        row_number() over (
            partition by customers_ids.customer_id
            order by
                case when addresses.address_id = customers_ids.default_address_id then 0 else 1 end,
                addresses.address_id
        ) as address_rank
    from (
        select
            {{ clean_text('id') }} as customer_id,
            {{ clean_text('default_address_id') }} as default_address_id
        from customers
    ) as customers_ids
    inner join addresses
        on
            customers_ids.customer_id = addresses.customer_id
            and (customers_ids.default_address_id = addresses.address_id or addresses.is_default)
),

order_addresses as (
    select
        {{ clean_text('customer_id') }} as customer_id,
        coalesce({{ clean_text('shipping_address_country_code') }}, {{ clean_text('billing_address_country_code') }})
            as country_code,
        case
            when {{ clean_text('shipping_address_country_code') }} is not null
                then {{ clean_text('shipping_address_province') }}
            else {{ clean_text('billing_address_province') }}
        end as province,
        case
            when {{ clean_text('shipping_address_country_code') }} is not null
                then {{ clean_text('shipping_address_city') }}
            else {{ clean_text('billing_address_city') }}
        end as city,
        row_number() over (
            partition by {{ clean_text('customer_id') }}
            order by {{ clean_text('created_at') }} desc, {{ clean_text('id') }} desc
        ) as order_rank
    from orders
    where {{ clean_text('customer_id') }} is not null
),

tags as (
    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('value') }} as tag,
        lower({{ clean_text('value') }}) as tag_lower
    from {{ source('shopify', 'customer_tag') }}
),

customer_tags as (
    select
        customer_id,
        max(case when tag_lower like 'acquisition:%' then lower(trim(substr(tag, 13))) end) as acquisition,
        max(case when tag_lower like 'loyalty_joined:%' then trim(substr(tag, 16)) end) as loyalty_joined,
        max(case when tag_lower like 'referred_by:%' then trim(substr(tag, 13)) end) as referred_by
    from tags
    group by customer_id
),

acquisition_mappings as (
    select
        source_value,
        canonical_value
    from {{ ref('value_mappings') }}
    where field = 'acquisition_channel'
),

accounts as (
    select
        {{ clean_text('customers.id') }} as customer_id,
        {{ clean_text('customers.email') }} as email,
        coalesce({{ clean_text('customers.phone') }}, default_addresses.phone) as phone,
        nullif(
            trim(concat_ws(' ', {{ clean_text('customers.first_name') }}, {{ clean_text('customers.last_name') }})),
            ''
        ) as full_name,
        coalesce(default_addresses.country_code, order_addresses.country_code) as country_code,
        case
            when default_addresses.country_code is not null then default_addresses.province
            else order_addresses.province
        end as state_region,
        case
            when default_addresses.country_code is not null then default_addresses.city
            else order_addresses.city
        end as city,
        {{ clean_text('customers.created_at') }} as signup_ts,
        coalesce(acquisition_mappings.canonical_value, customer_tags.acquisition, 'direct') as acquisition_channel,
        customer_tags.referred_by as referred_by_customer_id,
        case
            when {{ clean_code('customers.email_marketing_consent_state') }} is not null
                then cast({{ clean_code('customers.email_marketing_consent_state') }} = 'subscribed' as varchar)
            else {{ clean_text('customers.accepts_marketing') }}
        end as marketing_opt_in,
        customer_tags.loyalty_joined as loyalty_joined_ts,
        {{ clean_text('customers.updated_at') }} as updated_at
    from customers
    left join default_addresses
        on
            {{ clean_text('customers.id') }} = default_addresses.customer_id
            and default_addresses.address_rank = 1
    left join order_addresses
        on
            {{ clean_text('customers.id') }} = order_addresses.customer_id
            and order_addresses.order_rank = 1
    left join customer_tags on {{ clean_text('customers.id') }} = customer_tags.customer_id
    left join acquisition_mappings on customer_tags.acquisition = acquisition_mappings.source_value
),

guests as (
    select
        'guest-' || {{ clean_text('id') }} as customer_id,
        {{ clean_text('email') }} as email,
        {{ clean_text('billing_address_phone') }} as phone,
        {{ clean_text('billing_address_name') }} as full_name,
        coalesce({{ clean_text('shipping_address_country_code') }}, {{ clean_text('billing_address_country_code') }})
            as country_code,
        case
            when {{ clean_text('shipping_address_country_code') }} is not null
                then {{ clean_text('shipping_address_province') }}
            else {{ clean_text('billing_address_province') }}
        end as state_region,
        case
            when {{ clean_text('shipping_address_country_code') }} is not null
                then {{ clean_text('shipping_address_city') }}
            else {{ clean_text('billing_address_city') }}
        end as city,
        {{ clean_text('created_at') }} as signup_ts,
        'direct' as acquisition_channel,
        cast(null as varchar) as referred_by_customer_id,
        {{ clean_text('buyer_accepts_marketing') }} as marketing_opt_in,
        cast(null as varchar) as loyalty_joined_ts,
        {{ clean_text('updated_at') }} as updated_at
    from orders
    where {{ clean_text('customer_id') }} is null
),

final as (
    select * from accounts
    union all
    select * from guests
)

select * from final
