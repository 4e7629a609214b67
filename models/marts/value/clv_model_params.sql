-- clv_model_params on Spark. dbt-spark cannot run the Python model clv_model_params.py in session
-- mode, so on the spark target that model is disabled and this one, enabled only there, reads the
-- table that the Spark fitting job wrote with the same fitting code
-- (engagement_warehouse/spark/fits.py, run by `engagement-warehouse spark-build` between the two
-- halves of the build). The depends_on lines keep the Python model's lineage: the job reads them.
{{ config(enabled=target.type == 'spark') }}
-- depends_on: {{ ref('customer_rfm') }}

with

fitted as (
    select * from {{ source('python_fits', 'clv_model_params') }}
),

final as (
    select
        cast(model as string) as model,
        cast(parameter as string) as parameter,
        cast(estimate as double) as estimate,
        cast(log_likelihood as double) as log_likelihood,
        cast(customers as bigint) as customers,
        cast(status as string) as status,
        cast(status_reason as string) as status_reason,
        cast(time_unit as string) as time_unit,
        cast(observation_end_date as date) as observation_end_date,
        cast(frequency_spend_correlation as double) as frequency_spend_correlation
    from fitted
)

select * from final
