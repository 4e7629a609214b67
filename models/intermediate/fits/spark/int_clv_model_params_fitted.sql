-- int_clv_model_params_fitted on Spark: the table engagement_warehouse/spark/fits.py wrote with
-- the code of ../python/int_clv_model_params_fitted.py (why: ../_fits__models.yml). The depends_on
-- lines keep that model's lineage: the job reads them.
-- depends_on: {{ ref('int_persons_rfm_at_fit_anchor') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_clv_model_params_fitted') }}
),

final as (
    select
        cast(model as string) as model,
        cast(parameter as string) as parameter,
        cast(estimate as double) as estimate,
        cast(log_likelihood as double) as log_likelihood,
        cast(customers as bigint) as customers,
        cast(model_status as string) as model_status,
        cast(status_reason as string) as status_reason,
        cast(time_unit as string) as time_unit,
        cast(observation_end_date as date) as observation_end_date,
        cast(frequency_spend_correlation as double) as frequency_spend_correlation,
        cast(clv_fit_anchor_date as date) as clv_fit_anchor_date,
        cast(clv_fit_fingerprint as string) as clv_fit_fingerprint
    from fitted
)

select * from final
