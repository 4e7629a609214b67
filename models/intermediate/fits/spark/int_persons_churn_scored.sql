-- int_persons_churn_scored on Spark: the table engagement_warehouse/spark/fits.py wrote with the
-- code of ../python/int_persons_churn_scored.py (why: ../_fits__models.yml). The depends_on lines keep that
-- model's lineage: the job reads them.
-- depends_on: {{ ref('int_persons_churn_features') }}
-- depends_on: {{ ref('int_churn_model_params_fitted') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_persons_churn_scored') }}
),

final as (
    select
        cast(person_key as string) as person_key,
        cast(snapshot_date as date) as snapshot_date,
        cast(country_code as string) as country_code,
        cast(churn_probability as double) as churn_probability,
        cast(model_status as string) as model_status,
        cast(model_scope as string) as model_scope,
        cast(training_snapshot_date as date) as training_snapshot_date,
        cast(driver_1_name as string) as driver_1_name,
        cast(driver_1_value as double) as driver_1_value,
        cast(driver_1_contribution as double) as driver_1_contribution,
        cast(driver_2_name as string) as driver_2_name,
        cast(driver_2_value as double) as driver_2_value,
        cast(driver_2_contribution as double) as driver_2_contribution,
        cast(driver_3_name as string) as driver_3_name,
        cast(driver_3_value as double) as driver_3_value,
        cast(driver_3_contribution as double) as driver_3_contribution,
        cast(churn_fit_anchor_date as date) as churn_fit_anchor_date
    from fitted
)

select * from final
