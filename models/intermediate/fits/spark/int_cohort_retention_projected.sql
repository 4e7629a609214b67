-- int_cohort_retention_projected on Spark: the table engagement_warehouse/spark/fits.py wrote with
-- the code of ../python/int_cohort_retention_projected.py (why: ../_fits__models.yml). The
-- depends_on lines keep that model's lineage: the job reads them.
-- depends_on: {{ ref('int_cohort_retention_measured') }}

with

fitted as (
    select * from {{ source('python_fits', 'int_cohort_retention_projected') }}
),

final as (
    select
        cast(segment_type as string) as segment_type,
        cast(segment_value as string) as segment_value,
        cast(cohort_grain as string) as cohort_grain,
        cast(period_number as int) as period_number,
        cast(observed_cohorts as bigint) as observed_cohorts,
        cast(observed_customers as bigint) as observed_customers,
        cast(observed_survival as double) as observed_survival,
        cast(projected_survival as double) as projected_survival,
        cast(projected_retention_rate as double) as projected_retention_rate,
        cast(discounted_expected_residual_lifetime_periods as double) as discounted_expected_residual_lifetime_periods,
        cast(alpha as double) as alpha,
        cast(beta as double) as beta,
        cast(log_likelihood as double) as log_likelihood,
        cast(fit_cohorts as bigint) as fit_cohorts,
        cast(fit_customers as bigint) as fit_customers,
        cast(fit_periods as int) as fit_periods,
        cast(fit_status as string) as fit_status,
        cast(fit_reason as string) as fit_reason
    from fitted
)

select * from final
