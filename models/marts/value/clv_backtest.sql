-- BG/NBD fitted on the calibration period, predicted vs actual repeat purchases in the holdout
-- (doc block clv_backtest): the fit is the dbt Python model int_clv_backtest_fitted
-- (models/intermediate/fits), on Spark its stand-in of the same name.
with

fitted as (
    select * from {{ ref('int_clv_backtest_fitted') }}
),

final as (
    -- cast to the contract: a fit without predictions writes all-null columns, which carry no type
    select
        cast(frequency_bucket as {{ dbt.type_string() }}) as frequency_bucket,
        cast(sort_order as {{ dbt.type_bigint() }}) as sort_order,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(actual_repeat_purchases as double) as actual_repeat_purchases,
        cast(predicted_repeat_purchases as double) as predicted_repeat_purchases,
        cast(actual_per_customer as double) as actual_per_customer,
        cast(predicted_per_customer as double) as predicted_per_customer,
        cast(predicted_to_actual_ratio as double) as predicted_to_actual_ratio,
        -- the dates come with the persons of the calibration period; with none (data shorter than
        -- the holdout, clv_holdout_days) they are still the configured ones
        coalesce(cast(calibration_end_date as date), {{ clv_calibration_end() }}) as calibration_end_date,
        coalesce(cast(observation_end_date as date), {{ clv_backtest_end() }}) as observation_end_date,
        coalesce(
            cast(holdout_length as double),
            {{ clv_units_between(clv_period(clv_calibration_end()), clv_period(clv_backtest_end())) }}
        ) as holdout_length,
        coalesce(cast(time_unit as {{ dbt.type_string() }}), '{{ var("clv_time_unit") }}') as time_unit,
        cast(model_status as {{ dbt.type_string() }}) as model_status,
        cast(status_reason as {{ dbt.type_string() }}) as status_reason,
        cast(clv_fit_anchor_date as date) as clv_fit_anchor_date
    from fitted
)

select * from final
