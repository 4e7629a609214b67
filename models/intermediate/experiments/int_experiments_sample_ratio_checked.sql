-- The sample-ratio check of every experiment with assignments: the units each variant received
-- against the shares the experiment_variants seed plans, Pearson's chi-square over the variants
-- (a variant that received no unit counts with 0) and its p-value; an experiment whose p-value is
-- below var experiment_srm_p_value_threshold has a sample-ratio mismatch: its randomisation or
-- its logging is broken, and its results are not to be trusted (doc block sample_ratio_mismatch).
with

assignments as (
    select * from {{ ref('stg_shop__experiment_assignments') }}
),

experiment_variants as (
    select * from {{ ref('experiment_variants') }}
),

units_by_variant as (
    select
        experiment_id,
        variant,
        count(*) as assigned_units
    from assignments
    group by experiment_id, variant
),

experiments_assigned as (
    select
        experiment_id,
        sum(assigned_units) as experiment_units
    from units_by_variant
    group by experiment_id
),

planned as (
    select
        experiment_variants.experiment_id,
        experiment_variants.variant,
        experiments_assigned.experiment_units,
        cast(experiment_variants.expected_share as double)
        / sum(cast(experiment_variants.expected_share as double)) over (
            partition by experiment_variants.experiment_id
        ) as expected_share,
        count(*) over (partition by experiment_variants.experiment_id) - 1 as degrees_of_freedom
    from experiment_variants
    inner join experiments_assigned
        on experiment_variants.experiment_id = experiments_assigned.experiment_id
),

compared as (
    select
        planned.experiment_id,
        planned.variant,
        planned.experiment_units,
        planned.expected_share,
        planned.degrees_of_freedom,
        coalesce(units_by_variant.assigned_units, 0) as assigned_units,
        planned.expected_share * planned.experiment_units as expected_units
    from planned
    left join units_by_variant
        on
            planned.experiment_id = units_by_variant.experiment_id
            and planned.variant = units_by_variant.variant
),

tested as (
    select
        *,
        sum(
            (assigned_units - expected_units) * (assigned_units - expected_units) / expected_units
        ) over (partition by experiment_id) as srm_chi_square
    from compared
),

final as (
    select
        experiment_id,
        variant,
        assigned_units,
        experiment_units,
        cast(assigned_units as double) / experiment_units as observed_share,
        expected_share,
        expected_units,
        degrees_of_freedom,
        srm_chi_square,
        {{ chi_square_p_value('srm_chi_square', 'degrees_of_freedom') }} as srm_p_value,
        coalesce(
            {{ chi_square_p_value('srm_chi_square', 'degrees_of_freedom') }}
            < {{ var('experiment_srm_p_value_threshold') }},
            false
        ) as has_sample_ratio_mismatch
    from tested
)

select * from final
