-- dim_customers.customer_ids_of_person is, on every row, the number of customer ids that share
-- the row's person_key.
select
    person_key,
    count(*) as customer_ids,
    min(customer_ids_of_person) as lowest_reported,
    max(customer_ids_of_person) as highest_reported
from {{ ref('dim_customers') }}
group by person_key
having count(*) <> min(customer_ids_of_person) or count(*) <> max(customer_ids_of_person)
