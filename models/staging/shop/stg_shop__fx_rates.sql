-- The retailer's monthly FX rates that meet the raw data contract; the others are in
-- audit_rejected_rows. stg_reference__fx_rates puts them before the seed's demo values.
with

validated as (
    select * from {{ ref('base_shop__fx_rates') }}
),

clean as (
    select
        rate_month,
        currency,
        units_per_usd
    from validated
    where rejection_rule is null
)

select * from clean
