-- Every person active at the observation end with the churn model's probability of no confirmed
-- order in the next churn_horizon_days, a risk tier and the three features that push the score
-- most (doc blocks churn_model, churn_drivers): the fit is the dbt Python model
-- int_persons_churn_scored (models/intermediate/fits), on Spark its stand-in of the same name.
with

scored as (
    select * from {{ ref('int_persons_churn_scored') }}
),

final as (
    -- cast to the contract: a model without a fit writes all-null columns, which carry no type
    select
        cast(person_key as {{ dbt.type_string() }}) as person_key,
        cast(snapshot_date as date) as snapshot_date,
        cast(country_code as {{ dbt.type_string() }}) as country_code,
        cast(churn_probability as double) as churn_probability,
        case
            when churn_probability is null then 'unscored'
            when churn_probability >= {{ var('churn_risk_high_min_probability') }} then 'high'
            when churn_probability >= {{ var('churn_risk_medium_min_probability') }} then 'medium'
            else 'low'
        end as churn_risk_tier,
        {%- for k in range(1, 4) %}
            cast(driver_{{ k }}_name as {{ dbt.type_string() }}) as driver_{{ k }}_name,
            cast(driver_{{ k }}_value as double) as driver_{{ k }}_value,
            cast(driver_{{ k }}_contribution as double) as driver_{{ k }}_contribution,
        {%- endfor %}
        cast(training_snapshot_date as date) as training_snapshot_date,
        cast(model_status as {{ dbt.type_string() }}) as model_status,
        cast(model_scope as {{ dbt.type_string() }}) as model_scope,
        cast(churn_fit_anchor_date as date) as churn_fit_anchor_date
    from scored
)

select * from final
