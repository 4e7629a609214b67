-- BG/NBD fitted on the calibration period, predicted vs actual repeat purchases in the holdout
-- (doc block clv_backtest): the fit is the dbt Python model int_clv_backtest_fitted
-- (models/intermediate/fits), on Spark its stand-in of the same name.
with

fitted as (
    select * from {{ ref('int_clv_backtest_fitted') }}
),

final as (
    select
        frequency_bucket,
        sort_order,
        customers,
        actual_repeat_purchases,
        predicted_repeat_purchases,
        actual_per_customer,
        predicted_per_customer,
        predicted_to_actual_ratio,
        calibration_end_date,
        observation_end_date,
        holdout_length,
        time_unit,
        model_status,
        status_reason
    from fitted
)

select * from final
