-- The last day the data covers: the date of the latest order of any status. Periods that end
-- after it are incomplete; "days since last order" counts to it, so a rebuild of the same data
-- gives the same numbers whatever the day it runs.
with

orders as (
    select * from {{ ref('stg_shop__orders') }}
),

final as (
    select max(order_date) as data_end_date
    from orders
)

select * from final
