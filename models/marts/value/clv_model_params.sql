-- The fitted BG/NBD and Gamma-Gamma parameters, one row per model and parameter (doc block clv):
-- the fit is the dbt Python model int_clv_model_params_fitted (models/intermediate/fits), on
-- Spark its stand-in of the same name.
with

fitted as (
    select * from {{ ref('int_clv_model_params_fitted') }}
),

final as (
    select
        model,
        parameter,
        estimate,
        log_likelihood,
        customers,
        status,
        status_reason,
        time_unit,
        observation_end_date,
        frequency_spend_correlation
    from fitted
)

select * from final
