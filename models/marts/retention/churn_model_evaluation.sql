-- The churn model and the BG/NBD baseline on a time split, overall and per country, ten decile
-- rows each (doc block churn_model_evaluation): the fit is the dbt Python model
-- int_churn_model_evaluated (models/intermediate/fits), on Spark its stand-in of the same name.
with

evaluated as (
    select * from {{ ref('int_churn_model_evaluated') }}
),

final as (
    -- cast to the contract: a segment without metrics writes all-null columns
    select
        cast(scorer as {{ dbt.type_string() }}) as scorer,
        cast(country_code as {{ dbt.type_string() }}) as country_code,
        cast(decile as {{ dbt.type_bigint() }}) as decile,
        cast(evaluation_status as {{ dbt.type_string() }}) as evaluation_status,
        cast(persons as {{ dbt.type_bigint() }}) as persons,
        cast(churners as {{ dbt.type_bigint() }}) as churners,
        cast(churn_rate as double) as churn_rate,
        cast(auc as double) as auc,
        cast(pr_auc as double) as pr_auc,
        cast(brier_score as double) as brier_score,
        cast(top_decile_lift as double) as top_decile_lift,
        cast(top_decile_capture_rate as double) as top_decile_capture_rate,
        cast(decile_persons as {{ dbt.type_bigint() }}) as decile_persons,
        cast(decile_mean_predicted as double) as decile_mean_predicted,
        cast(decile_observed_churn_rate as double) as decile_observed_churn_rate,
        cast(cumulative_capture_rate as double) as cumulative_capture_rate,
        cast(cumulative_lift as double) as cumulative_lift,
        cast(training_snapshot_date as date) as training_snapshot_date,
        cast(evaluation_snapshot_date as date) as evaluation_snapshot_date,
        cast(label_end_date as date) as label_end_date,
        cast(training_persons as {{ dbt.type_bigint() }}) as training_persons,
        cast(training_churners as {{ dbt.type_bigint() }}) as training_churners,
        cast(churn_fit_anchor_date as date) as churn_fit_anchor_date
    from evaluated
)

select * from final
