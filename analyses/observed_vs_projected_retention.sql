-- Observed beside projected survival of all customers by months since their first order: where
-- both exist, the gap says how far to trust the projection beyond the data.
select
    period_number,
    observed_survival,
    projected_survival,
    projected_retention_rate,
    fit_status
from {{ ref('retention_projection') }}
where
    segment_type = 'all'
    and cohort_grain = 'month'
order by period_number asc
