-- Customer ids to erase: every id with an erasure request, and every other id of the same
-- person (a guest checkout and an account share the e-mail or phone), since the request is the
-- person's. Honoured whatever else is wrong with the request row (a bad timestamp must not keep
-- a person's data in the warehouse), so this reads the raw rows and needs only a customer id and
-- the request type. This list is the one place where an erased customer's raw id is read: the
-- base models need it to replace the id with its token. It is a view over the raw files, so the
-- raw ids are never stored in the warehouse file.
{{ config(materialized='view') }}

with

requests as (
    select * from {{ source('shop', 'privacy_requests') }}
),

customers as (
    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ normalize_email('email') }} as email,
        {{ normalize_phone('phone') }} as phone
    from {{ source('shop', 'customers') }}
),

requested as (
    select distinct {{ clean_text('customer_id') }} as customer_id
    from requests
    where
        {{ clean_code('request_type') }} = 'erasure'
        and not {{ is_blank('customer_id') }}
),

requested_contacts as (
    select
        customers.email,
        customers.phone
    from customers
    inner join requested on customers.customer_id = requested.customer_id
),

same_person as (
    select customers.customer_id
    from customers
    inner join requested_contacts
        on
            customers.email = requested_contacts.email
            or customers.phone = requested_contacts.phone
    where customers.customer_id is not null
),

erased as (
    select customer_id from requested
    union
    select customer_id from same_person
)

select * from erased
