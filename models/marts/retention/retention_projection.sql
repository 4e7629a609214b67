-- Retention projection, the sBG model per segment and cohort grain beside the observed survival
-- (doc block retention_projection): the fit is the dbt Python model
-- int_cohort_retention_projected (models/intermediate/fits), on Spark its stand-in of the same name.
with

fitted as (
    select * from {{ ref('int_cohort_retention_projected') }}
),

final as (
    select
        segment_type,
        segment_value,
        cohort_grain,
        period_number,
        observed_cohorts,
        observed_customers,
        observed_survival,
        projected_survival,
        projected_retention_rate,
        discounted_expected_residual_lifetime_periods,
        alpha,
        beta,
        log_likelihood,
        fit_cohorts,
        fit_customers,
        fit_periods,
        fit_status,
        fit_reason
    from fitted
)

select * from final
