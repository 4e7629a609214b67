-- Cohort heat map: monthly cohorts down, months since first order across, classic retention in
-- the cells (partial periods left blank). Pivot period_number into columns in the BI tool.
select
    cohort_start,
    cohort_size,
    period_number,
    case when not is_partial_period then retention_rate end as retention_rate
from {{ ref('cohort_retention') }}
where
    segment_type = 'all'
    and cohort_grain = 'month'
order by cohort_start asc, period_number asc
