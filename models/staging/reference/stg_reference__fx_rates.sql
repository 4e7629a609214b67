-- Monthly FX rates to USD from the fx_rates_monthly seed (demo values: replace the seed with your
-- treasury's rates). The seed quotes local units per USD, as rates are usually published;
-- conversion multiplies by the inverse, kept as an exact DECIMAL.
with

source as (
    select * from {{ ref('fx_rates_monthly') }}
),

renamed as (
    select
        cast(month as date) as rate_month,
        upper(currency) as currency,
        cast(units_per_usd as decimal(18, 6)) as units_per_usd,
        cast(1.0 / cast(units_per_usd as double) as decimal(18, 12)) as usd_per_unit,
        is_demo_value
    from source
)

select * from renamed
