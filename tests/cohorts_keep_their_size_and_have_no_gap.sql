-- A cohort of cohort_retention has the same size in every period, its periods run from 0 to its
-- last without a gap, and only its last period can be partial (at most one).
select
    segment_type,
    segment_value,
    cohort_grain,
    cohort_start
from {{ ref('cohort_retention') }}
group by
    segment_type,
    segment_value,
    cohort_grain,
    cohort_start
having
    min(cohort_size) <> max(cohort_size)
    or min(period_number) <> 0
    or count(*) <> max(period_number) + 1
    or sum(case when is_partial_period then 1 else 0 end) > 1
    or max(case when is_partial_period then period_number end) <> max(period_number)
