-- The raw customer rows as the system that feeds customers exports them (the contract's file, or a
-- source adapter's stg_<system>__customers), in the contract's columns: what erasure matches
-- persons on and what `engagement-warehouse erasure-check` looks for in the file's bytes. A view:
-- the clear values are never stored in the warehouse file.
{{ config(materialized='view') }}

with

source as (
    select * from {{ contract_source('customers') }}
),

final as (
    select
        customer_id,
        email,
        phone,
        full_name,
        country_code,
        state_region,
        city,
        signup_ts,
        acquisition_channel,
        referred_by_customer_id,
        marketing_opt_in,
        loyalty_joined_ts,
        updated_at
    from source
)

select * from final
