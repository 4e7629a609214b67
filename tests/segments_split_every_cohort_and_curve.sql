-- The values of a segment type split the persons: at period 0 their cohort sizes in
-- cohort_retention, and their customers in retention_curves, add up to segment all's.
with

cohort_sizes as (
    select
        'cohort_retention' as mart,
        segment_type,
        cohort_grain,
        cohort_start,
        sum(cohort_size) as persons
    from {{ ref('cohort_retention') }}
    where period_number = 0
    group by segment_type, cohort_grain, cohort_start
),

curve_sizes as (
    select
        'retention_curves' as mart,
        segment_type,
        cohort_grain,
        cast(null as date) as cohort_start,
        sum(customers) as persons
    from {{ ref('retention_curves') }}
    where period_number = 0
    group by segment_type, cohort_grain
),

sizes as (
    select * from cohort_sizes
    union all
    select * from curve_sizes
),

everyone as (
    select * from sizes
    where segment_type = 'all'
)

select
    sizes.mart,
    sizes.segment_type,
    sizes.cohort_grain,
    sizes.cohort_start,
    sizes.persons,
    everyone.persons as persons_of_segment_all
from sizes
left join everyone
    on
        sizes.mart = everyone.mart
        and sizes.cohort_grain = everyone.cohort_grain
        and (sizes.cohort_start = everyone.cohort_start or sizes.cohort_start is null)
where sizes.persons is distinct from everyone.persons
