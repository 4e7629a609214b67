-- Erasure and person resolution agree, or differ only as documented (doc block
-- erasure_matching). The person-matching rule (macro person_identity_keys, the one resolution
-- uses) is applied to every raw customer row, as erasure must apply it before staging exists:
--   1. a requested person is erased whole: no customer id of the person of a requested id is kept;
--   2. every erased customer id is requested, of a requested person, or shares a normalised
--      e-mail or phone with a customer id of a requested person (the deliberate extra), nothing
--      else.
-- Fails with one row per broken statement and the number of customer ids; no id or value is
-- listed, since the stored failures must not hold what was erased.
with

customers as (
    {{ raw_customer_contacts() }}
),

erased as (
    select * from {{ ref('base_shop__erased_customers') }}
),

requested as (
    select customer_id from erased
    where is_requested
),

keyed as (
    {{ person_identity_keys('customers', email='email', phone='phone') }}
),

rows_with_erasure as (
    select
        keyed.*,
        erased.customer_id is not null as is_erased,
        requested.customer_id is not null as is_requested
    from keyed
    left join erased on keyed.customer_id = erased.customer_id
    left join requested on keyed.customer_id = requested.customer_id
    where keyed.customer_id is not null
),

persons as (
    select
        identity_key,
        max(case when is_requested then 1 else 0 end) as has_requested_id
    from rows_with_erasure
    group by identity_key
),

kept_ids_of_requested_persons as (
    select
        '1: customer ids kept though another customer id of their person asked to be erased'
            as broken_statement,
        count(distinct rows_with_erasure.customer_id) as customer_ids
    from rows_with_erasure
    inner join persons on rows_with_erasure.identity_key = persons.identity_key
    where persons.has_requested_id = 1 and not rows_with_erasure.is_erased
),

requested_person_ids as (
    select distinct rows_with_erasure.customer_id
    from rows_with_erasure
    inner join persons on rows_with_erasure.identity_key = persons.identity_key
    where persons.has_requested_id = 1
),

requested_person_contacts as (
    select
        customers.email,
        customers.phone
    from customers
    inner join requested_person_ids on customers.customer_id = requested_person_ids.customer_id
),

-- a requested id is explained by its request, also when the customers export has no row of it
-- (a request for an unknown id: nothing of it is in the warehouse, and erasing it is harmless)
explained as (
    select customer_id from requested
    union
    select customer_id from requested_person_ids
    union
    select customers.customer_id
    from customers
    inner join requested_person_contacts
        on
            customers.email = requested_person_contacts.email
            or customers.phone = requested_person_contacts.phone
),

unexplained_erasures as (
    select
        '2: customer ids erased though neither of a requested person nor sharing its e-mail or phone'
            as broken_statement,
        count(*) as customer_ids
    from erased
    left join explained on erased.customer_id = explained.customer_id
    where explained.customer_id is null
),

failures as (
    select * from kept_ids_of_requested_persons
    union all
    select * from unexplained_erasures
)

select * from failures
where customer_ids > 0
