{#- The lifetimes-style RFM summary of purchase periods up to an observation end (doc block
    rfm): `purchase_periods` has person_key, purchase_period and net_revenue_usd, one row per
    person and period with a confirmed order. Used by int_persons_rfm (customer_rfm) and
    clv_backtest's calibration, so both count the same way. -#}
{% macro rfm_summary(purchase_periods, observation_end) -%}
    select
        person_key,
        min(purchase_period) as first_purchase_period,
        max(purchase_period) as last_purchase_period,
        cast(count(*) - 1 as {{ dbt.type_int() }}) as frequency,
        {{ clv_units_between('min(purchase_period)', 'max(purchase_period)') }} as recency,
        {{ clv_units_between('min(purchase_period)', clv_period(observation_end)) }} as customer_age,
        -- the mean over repeat periods: every period's revenue but the first one's
        case
            when count(*) > 1
                then
                    cast(sum(net_revenue_usd) - sum(case when period_number = 1 then net_revenue_usd else 0 end)
                        as double)
                    / (count(*) - 1)
            else 0
        end as monetary_value,
        sum(net_revenue_usd) as net_revenue_usd
    from (
        select
            *,
            row_number() over (partition by person_key order by purchase_period asc) as period_number
        from {{ purchase_periods }}
        where purchase_period <= {{ clv_period(observation_end) }}
    ) as numbered
    group by person_key
{%- endmacro %}
