-- Observed and projected survival of retention_projection never rise from one period to the next:
-- the survival measure ("bought in period n or later") and the product-limit pooling must keep
-- them monotone, or the sBG fit is being fed something that is not a survival curve.
with

projection as (
    select * from {{ ref('retention_projection') }}
),

with_previous as (
    select
        segment_type,
        segment_value,
        cohort_grain,
        period_number,
        observed_survival,
        projected_survival,
        lag(observed_survival) over (
            partition by segment_type, segment_value, cohort_grain
            order by period_number
        ) as previous_observed_survival,
        lag(projected_survival) over (
            partition by segment_type, segment_value, cohort_grain
            order by period_number
        ) as previous_projected_survival
    from projection
)

select
    segment_type,
    segment_value,
    cohort_grain,
    period_number,
    observed_survival,
    previous_observed_survival,
    projected_survival,
    previous_projected_survival
from with_previous
-- a rounding margin: both are products or ratios of doubles
where
    observed_survival > previous_observed_survival + 1e-12
    or projected_survival > previous_projected_survival + 1e-12
