-- int_churn_model_evaluated on Spark: the table engagement_warehouse/spark/fits.py wrote with the
-- code of ../python/int_churn_model_evaluated.py (why: ../_fits__models.yml). The depends_on lines keep that
-- model's lineage: the job reads them.
-- depends_on: {{ ref('int_persons_churn_features') }}
-- depends_on: {{ ref('int_persons_churn_labels') }}
-- depends_on: {{ ref('int_churn_snapshots') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_churn_model_evaluated') }}
),

final as (
    select
        cast(scorer as string) as scorer,
        cast(country_code as string) as country_code,
        cast(decile as bigint) as decile,
        cast(evaluation_status as string) as evaluation_status,
        cast(persons as bigint) as persons,
        cast(churners as bigint) as churners,
        cast(churn_rate as double) as churn_rate,
        cast(auc as double) as auc,
        cast(pr_auc as double) as pr_auc,
        cast(brier_score as double) as brier_score,
        cast(top_decile_lift as double) as top_decile_lift,
        cast(top_decile_capture_rate as double) as top_decile_capture_rate,
        cast(decile_persons as bigint) as decile_persons,
        cast(decile_mean_predicted as double) as decile_mean_predicted,
        cast(decile_observed_churn_rate as double) as decile_observed_churn_rate,
        cast(cumulative_capture_rate as double) as cumulative_capture_rate,
        cast(cumulative_lift as double) as cumulative_lift,
        cast(training_snapshot_date as date) as training_snapshot_date,
        cast(evaluation_snapshot_date as date) as evaluation_snapshot_date,
        cast(label_end_date as date) as label_end_date,
        cast(training_persons as bigint) as training_persons,
        cast(training_churners as bigint) as training_churners,
        cast(churn_fit_anchor_date as date) as churn_fit_anchor_date,
        cast(churn_fit_fingerprint as string) as churn_fit_fingerprint
    from fitted
)

select * from final
