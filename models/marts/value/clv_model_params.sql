-- The fitted BG/NBD and Gamma-Gamma parameters, one row per model and parameter (doc block clv):
-- the fit is the dbt Python model int_clv_model_params_fitted (models/intermediate/fits), on
-- Spark its stand-in of the same name.
with

fitted as (
    select * from {{ ref('int_clv_model_params_fitted') }}
),

final as (
    -- cast to the contract: a fit without predictions writes all-null columns, which carry no type
    select
        cast(model as {{ dbt.type_string() }}) as model,  -- noqa: RF04
        cast(parameter as {{ dbt.type_string() }}) as parameter,
        cast(estimate as double) as estimate,
        cast(log_likelihood as double) as log_likelihood,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(model_status as {{ dbt.type_string() }}) as model_status,
        cast(status_reason as {{ dbt.type_string() }}) as status_reason,
        cast(time_unit as {{ dbt.type_string() }}) as time_unit,
        cast(observation_end_date as date) as observation_end_date,
        cast(frequency_spend_correlation as double) as frequency_spend_correlation,
        cast(clv_fit_anchor_date as date) as clv_fit_anchor_date
    from fitted
)

select * from final
