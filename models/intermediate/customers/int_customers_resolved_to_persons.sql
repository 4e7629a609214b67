-- One person, one customer: every customer id mapped to a person key by the person-matching rule
-- (macro person_identity_keys, doc block person_key; erasure applies the same macro). An erased
-- customer has no hashes left, so it is a person of its own.
with

customers as (
    select * from {{ ref('stg_shop__customers') }}
),

keyed as (
    {{ person_identity_keys('customers', email='email_hash', phone='phone_hash') }}
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
