-- int_clv_backtest_fitted on Spark: the table engagement_warehouse/spark/fits.py wrote with the
-- code of ../python/int_clv_backtest_fitted.py (why: ../_fits__models.yml). The depends_on lines
-- keep that model's lineage: the job reads them.
-- depends_on: {{ ref('int_persons_clv_backtest') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_clv_backtest_fitted') }}
),

final as (
    select
        cast(frequency_bucket as string) as frequency_bucket,
        cast(sort_order as bigint) as sort_order,
        cast(customers as bigint) as customers,
        cast(actual_repeat_purchases as double) as actual_repeat_purchases,
        cast(predicted_repeat_purchases as double) as predicted_repeat_purchases,
        cast(actual_per_customer as double) as actual_per_customer,
        cast(predicted_per_customer as double) as predicted_per_customer,
        cast(predicted_to_actual_ratio as double) as predicted_to_actual_ratio,
        cast(calibration_end_date as date) as calibration_end_date,
        cast(observation_end_date as date) as observation_end_date,
        cast(holdout_length as double) as holdout_length,
        cast(time_unit as string) as time_unit,
        cast(model_status as string) as model_status,
        cast(status_reason as string) as status_reason,
        cast(clv_fit_anchor_date as date) as clv_fit_anchor_date,
        cast(clv_fit_fingerprint as string) as clv_fit_fingerprint
    from fitted
)

select * from final
