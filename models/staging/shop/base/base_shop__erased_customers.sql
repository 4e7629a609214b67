-- Customers with an erasure request. Honoured whatever else is wrong with the request row (a
-- bad timestamp must not keep a person's data in the warehouse), so this reads the raw rows
-- and needs only a customer id and the request type.
with

source as (
    select * from {{ source('shop', 'privacy_requests') }}
),

erasure_requests as (
    select distinct {{ clean_text('customer_id') }} as customer_id
    from source
    where
        {{ clean_code('request_type') }} = 'erasure'
        and not {{ is_blank('customer_id') }}
)

select * from erasure_requests
