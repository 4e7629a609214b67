{{ config(materialized="table") }}

-- USD rate of every currency in every month from 1990 to 2099, from the fx_rates_monthly seed
-- (demo values: replace the seed with your treasury's rates). A month the seed does not cover
-- takes the nearest month the seed has and is flagged; USD is 1 in every month. Staging joins
-- on (currency, month) alone, so the clamping rule lives here once; a currency with no row has
-- no rate at all. The seed quotes local units per USD, as rates are usually published;
-- conversion multiplies by the inverse, kept as an exact DECIMAL.
with

source as (
    select * from {{ ref('fx_rates_monthly') }}
),

seed_rates as (
    select
        cast(month as date) as source_month,
        upper(currency) as currency,
        cast(units_per_usd as decimal(18, 6)) as units_per_usd,
        cast(1.0 / cast(units_per_usd as double) as decimal(18, 12)) as usd_per_unit
    from source
),

months as (
    select cast(date_month as date) as rate_month
    from (
        {{ dbt.date_spine('month', "cast('1990-01-01' as date)", "cast('2100-01-01' as date)") }}
    ) as spine
),

seed_ranges as (
    select
        currency,
        min(source_month) as first_month,
        max(source_month) as last_month
    from seed_rates
    group by currency
),

nearest_months as (
    select
        months.rate_month,
        seed_ranges.currency,
        case
            when months.rate_month < seed_ranges.first_month then seed_ranges.first_month
            when months.rate_month > seed_ranges.last_month then seed_ranges.last_month
            else months.rate_month
        end as source_month
    from months
    cross join seed_ranges
),

local_currencies as (
    select
        nearest_months.rate_month,
        nearest_months.currency,
        seed_rates.units_per_usd,
        seed_rates.usd_per_unit,
        nearest_months.source_month,
        nearest_months.source_month <> nearest_months.rate_month as is_fx_rate_estimated
    from nearest_months
    inner join seed_rates
        on
            nearest_months.currency = seed_rates.currency
            and nearest_months.source_month = seed_rates.source_month
),

us_dollar as (
    select
        rate_month,
        'USD' as currency,
        cast(1 as decimal(18, 6)) as units_per_usd,
        cast(1 as decimal(18, 12)) as usd_per_unit,
        rate_month as source_month,
        false as is_fx_rate_estimated
    from months
),

final as (
    select * from local_currencies
    union all
    select * from us_dollar
)

select * from final
