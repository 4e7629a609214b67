-- dim_customers holds exactly the customer ids known to staging: every customer with a signup
-- (stg_shop__customers) or a clean order (stg_shop__orders), once, and nothing else. One row per
-- id on one side only.
with

known_customers as (
    select customer_id from {{ ref('stg_shop__customers') }}
    union
    select customer_id from {{ ref('stg_shop__orders') }}
),

dimension as (
    select customer_id from {{ ref('dim_customers') }}
)

select
    coalesce(known_customers.customer_id, dimension.customer_id) as customer_id,
    case
        when dimension.customer_id is null then 'missing from dim_customers'
        else 'in dim_customers but unknown to staging'
    end as problem
from known_customers
full outer join dimension on known_customers.customer_id = dimension.customer_id
where known_customers.customer_id is null or dimension.customer_id is null
