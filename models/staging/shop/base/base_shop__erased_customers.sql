-- Customer ids to erase: every id with an erasure request, and every other id of the same
-- person, since the request is the person's. The person is found by the rule person resolution
-- uses (macro person_identity_keys), applied to every raw row; then every id sharing a
-- normalised e-mail or phone with an id of that person is erased too (doc block
-- erasure_matching: why erasure deliberately matches more). Honoured whatever else is wrong with
-- the request row (a bad timestamp must not keep a person's data in the warehouse), so this reads
-- the raw rows and needs only a customer id and the request type. This list is the one place
-- where an erased customer's raw id is read: the base models need it to replace the id with its
-- token. It is a view over the raw files, so the raw ids are never stored in the warehouse file.
{{ config(materialized='view') }}

with

requests as (
    select * from {{ contract_source('privacy_requests') }}
),

customers as (
    {{ raw_customer_contacts() }}
),

requested as (
    select distinct {{ clean_text('customer_id') }} as customer_id
    from requests
    where
        {{ clean_code('request_type') }} = 'erasure'
        and not {{ is_blank('customer_id') }}
),

-- every raw row keyed by the person-matching rule (a customer id with several raw versions
-- may have several keys: each counts)
keyed as (
    {{ person_identity_keys('customers', email='email', phone='phone') }}
),

requested_persons as (
    select distinct keyed.identity_key
    from keyed
    inner join requested on keyed.customer_id = requested.customer_id
),

same_person as (
    select distinct keyed.customer_id
    from keyed
    inner join requested_persons on keyed.identity_key = requested_persons.identity_key
    where keyed.customer_id is not null
),

person_contacts as (
    select
        customers.email,
        customers.phone
    from customers
    inner join same_person on customers.customer_id = same_person.customer_id
),

-- erring toward erasing more: any id sharing an e-mail or phone with an id of the person
same_contact as (
    select customers.customer_id
    from customers
    inner join person_contacts
        on
            customers.email = person_contacts.email
            or customers.phone = person_contacts.phone
    where customers.customer_id is not null
),

erased as (
    select
        customer_id,
        1 as is_requested
    from requested
    union all
    select
        customer_id,
        0 as is_requested
    from same_person
    union all
    select
        customer_id,
        0 as is_requested
    from same_contact
),

final as (
    select
        customer_id,
        max(is_requested) = 1 as is_requested
    from erased
    group by customer_id
)

select * from final
