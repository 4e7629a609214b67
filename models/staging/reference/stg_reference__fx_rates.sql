{{ config(materialized="table") }}

-- USD rate of every currency in every month of the calendar (stg_reference__calendar_days: from
-- the earliest timestamp any source may hold to var calendar_end_date). The rates come from the
-- retailer's optional raw table fx_rates (stg_shop__fx_rates) where it has the currency, else
-- from the fx_rates_monthly seed, whose values are demo values: on data the demo generator did
-- not write, a demo value counts as estimated (fx_rate_source seed_demo_value). A month the
-- rates do not cover takes the nearest month they have and is flagged; USD is 1 in every month.
-- Staging joins on (currency, month) alone, so these rules live here once; a currency with no
-- row has no rate at all. Rates are quoted as local units per USD, as usually published;
-- conversion multiplies by the inverse, kept as an exact DECIMAL. base_shop__orders stops the
-- build when too many orders would be converted with an estimated rate (check_fx_rates).
{%- set is_demo_data = is_demo_raw_data() %}

with

seed as (
    select * from {{ ref('fx_rates_monthly') }}
),

provided as (
    select * from {{ ref('stg_shop__fx_rates') }}
),

calendar as (
    select * from {{ ref('stg_reference__calendar_days') }}
),

provided_rates as (
    select
        rate_month as source_month,
        currency,
        units_per_usd,
        'provided' as fx_rate_source
    from provided
),

seed_rates as (
    select
        cast(seed.month as date) as source_month,
        upper(seed.currency) as currency,
        cast(seed.units_per_usd as decimal(18, 6)) as units_per_usd,
        case
            when seed.is_demo_value and not {{ is_demo_data }} then 'seed_demo_value'
            else 'seed'
        end as fx_rate_source
    from seed
    where upper(seed.currency) not in (select provided_rates.currency from provided_rates)
),

all_rates as (
    select
        source_month,
        currency,
        units_per_usd,
        cast(1.0 / cast(units_per_usd as double) as decimal(18, 12)) as usd_per_unit,
        fx_rate_source
    from (
        select * from provided_rates
        union all
        select * from seed_rates
    ) as rates
),

months as (
    select distinct month_start as rate_month
    from calendar
),

seed_ranges as (
    select
        currency,
        min(source_month) as first_month,
        max(source_month) as last_month
    from all_rates
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
        all_rates.units_per_usd,
        all_rates.usd_per_unit,
        nearest_months.source_month,
        nearest_months.source_month <> nearest_months.rate_month
        or all_rates.fx_rate_source = 'seed_demo_value' as is_fx_rate_estimated,
        case
            when nearest_months.source_month <> nearest_months.rate_month
                then 'nearest_month_' || all_rates.fx_rate_source
            else all_rates.fx_rate_source
        end as fx_rate_source
    from nearest_months
    inner join all_rates
        on
            nearest_months.currency = all_rates.currency
            and nearest_months.source_month = all_rates.source_month
),

us_dollar as (
    select
        rate_month,
        'USD' as currency,
        cast(1 as decimal(18, 6)) as units_per_usd,
        cast(1 as decimal(18, 12)) as usd_per_unit,
        rate_month as source_month,
        false as is_fx_rate_estimated,
        'us_dollar' as fx_rate_source
    from months
),

final as (
    select * from local_currencies
    union all
    select * from us_dollar
)

select * from final
