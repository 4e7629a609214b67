-- Retention projection, the sBG model per segment and cohort grain beside the observed survival
-- (doc block retention_projection): the fit is the dbt Python model
-- int_cohort_retention_projected (models/intermediate/fits), on Spark its stand-in of the same name.
with

fitted as (
    select * from {{ ref('int_cohort_retention_projected') }}
),

final as (
    -- cast to the contract: a fit without predictions writes all-null columns, which carry no type
    select
        cast(segment_type as {{ dbt.type_string() }}) as segment_type,
        cast(segment_value as {{ dbt.type_string() }}) as segment_value,
        cast(cohort_grain as {{ dbt.type_string() }}) as cohort_grain,
        cast(period_number as {{ dbt.type_int() }}) as period_number,
        cast(observed_cohorts as {{ dbt.type_bigint() }}) as observed_cohorts,
        cast(observed_customers as {{ dbt.type_bigint() }}) as observed_customers,
        cast(observed_survival as double) as observed_survival,
        cast(projected_survival as double) as projected_survival,
        cast(projected_retention_rate as double) as projected_retention_rate,
        cast(discounted_expected_residual_lifetime_periods as double) as discounted_expected_residual_lifetime_periods,
        cast(alpha as double) as alpha,
        cast(beta as double) as beta,
        cast(log_likelihood as double) as log_likelihood,
        cast(fit_cohorts as {{ dbt.type_bigint() }}) as fit_cohorts,
        cast(fit_customers as {{ dbt.type_bigint() }}) as fit_customers,
        cast(fit_periods as {{ dbt.type_int() }}) as fit_periods,
        cast(fit_status as {{ dbt.type_string() }}) as fit_status,
        cast(fit_reason as {{ dbt.type_string() }}) as fit_reason
    from fitted
)

select * from final
