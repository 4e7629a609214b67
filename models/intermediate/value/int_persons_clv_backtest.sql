-- clv_backtest's data: per person with a purchase by the calibration end, the RFM summary of the
-- calibration period (the same rfm_summary as customer_rfm) and the purchase periods after it,
-- up to the backtest's end (the holdout; macro clv_backtest_end: the observation end's anchor on
-- the refit schedule, the observation end itself by default).
with

purchase_periods as (
    select * from {{ ref('int_persons_purchase_periods') }}
),

calibration as (
    {{ rfm_summary('purchase_periods', clv_calibration_end()) }}
),

holdout as (
    select
        person_key,
        count(*) as holdout_purchases
    from purchase_periods
    where
        purchase_period > {{ clv_period(clv_calibration_end()) }}
        and purchase_period <= {{ clv_period(clv_backtest_end()) }}
    group by person_key
),

final as (
    select
        calibration.person_key,
        calibration.frequency,
        calibration.recency,
        calibration.customer_age,
        calibration.monetary_value,
        cast(coalesce(holdout.holdout_purchases, 0) as {{ dbt.type_int() }}) as holdout_purchases,
        {{ clv_calibration_end() }} as calibration_end_date,
        {{ clv_backtest_end() }} as observation_end_date,
        {{ clv_units_between(clv_period(clv_calibration_end()), clv_period(clv_backtest_end())) }}
            as holdout_length,
        '{{ var("clv_time_unit") }}' as time_unit
    from calibration
    left join holdout on calibration.person_key = holdout.person_key
)

select * from final
