-- int_churn_model_params_fitted on Spark: the table engagement_warehouse/spark/fits.py wrote with
-- the code of ../python/int_churn_model_params_fitted.py (why: ../_fits__models.yml). The
-- depends_on lines keep that model's lineage: the job reads them.
-- depends_on: {{ ref('int_persons_churn_features') }}
-- depends_on: {{ ref('int_persons_churn_labels') }}
-- depends_on: {{ ref('int_churn_snapshots') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_churn_model_params_fitted') }}
),

final as (
    select
        cast(model_scope as string) as model_scope,
        cast(term_position as int) as term_position,
        cast(feature_name as string) as feature_name,
        cast(level as string) as level,
        cast(training_mean as double) as training_mean,
        cast(standardised_mean as double) as standardised_mean,
        cast(standardised_scale as double) as standardised_scale,
        cast(coefficient as double) as coefficient,
        cast(model_status as string) as model_status,
        cast(training_snapshot_date as date) as training_snapshot_date,
        cast(training_persons as bigint) as training_persons,
        cast(churn_fit_anchor_date as date) as churn_fit_anchor_date,
        cast(churn_fit_fingerprint as string) as churn_fit_fingerprint
    from fitted
)

select * from final
