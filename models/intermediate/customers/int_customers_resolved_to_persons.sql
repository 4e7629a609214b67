-- One person, one customer: every customer id mapped to a person key. Merge rules, in order:
--   1. customer ids with the same e-mail hash are one person;
--   2. a customer id without e-mail whose phone hash is also the phone of customers with an
--      e-mail joins that e-mail's person (the earliest e-mail hash if the phone has several);
--   3. customer ids without e-mail that share a phone hash are one person;
--   4. otherwise the customer id is a person of its own.
-- Two ids with different e-mails stay two people even if they share a phone (households share
-- phones more often than people share e-mails). An erased customer has no hashes left, so it is a
-- person of its own.
with

customers as (
    select * from {{ ref('stg_shop__customers') }}
),

phone_to_email as (
    select
        phone_hash,
        min(email_hash) as email_hash
    from customers
    where email_hash is not null and phone_hash is not null
    group by phone_hash
),

keyed as (
    select
        customers.customer_id,
        customers.signup_ts,
        case
            when customers.email_hash is not null then 'email:' || customers.email_hash
            when phone_to_email.email_hash is not null then 'email:' || phone_to_email.email_hash
            when customers.phone_hash is not null then 'phone:' || customers.phone_hash
            else 'customer:' || customers.customer_id
        end as identity_key,
        case
            when customers.email_hash is not null then 'same_email'
            when phone_to_email.email_hash is not null then 'phone_of_an_email'
            when customers.phone_hash is not null then 'same_phone'
            else 'own_customer_id'
        end as resolution_rule
    from customers
    left join phone_to_email on customers.phone_hash = phone_to_email.phone_hash
),

final as (
    select
        customer_id,
        {{ dbt.hash('identity_key') }} as person_key,
        resolution_rule,
        count(*) over (partition by identity_key) as customer_ids_of_person,
        row_number() over (partition by identity_key order by signup_ts, customer_id) = 1
            as is_first_customer_id_of_person
    from keyed
)

select * from final
