-- The customer id of each e-mail address, as its salted hash (macro email_key): how a source
-- adapter for a system that knows a person only by e-mail (a survey tool) finds the customer.
-- Clean customers only; when several share an address (a guest checkout and an account), the one
-- signed up first (then the smallest id): person resolution later joins them into one person
-- anyway, so each person-level figure is the same whichever is chosen.
with

customers as (
    select * from {{ ref('base_shop__customers') }}
    where
        rejection_rule is null
        and email_hash is not null
),

ranked as (
    select
        email_hash as email_key,
        customer_id,
        row_number() over (
            partition by email_hash
            order by signup_ts asc nulls last, customer_id asc
        ) as email_rank
    from customers
),

final as (
    select
        email_key,
        customer_id
    from ranked
    where email_rank = 1
)

select * from final
