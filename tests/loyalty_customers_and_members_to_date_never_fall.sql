-- In loyalty_program_performance, a country's customers and members to date never fall from
-- one month to the next.
with

months as (
    select
        country_code,
        activity_month,
        customers_to_date,
        members_to_date,
        lag(customers_to_date) over (partition by country_code order by activity_month) as previous_customers,
        lag(members_to_date) over (partition by country_code order by activity_month) as previous_members
    from {{ ref('loyalty_program_performance') }}
)

select *
from months
where customers_to_date < previous_customers or members_to_date < previous_members
