-- Per experiment and variant: the units received against the planned share, and the experiment's
-- sample-ratio-mismatch check (chi-square, p-value, flag). Experiments without any assignment
-- have no row.
with

checked as (
    select * from {{ ref('int_experiments_sample_ratio_checked') }}
),

experiments as (
    select * from {{ ref('experiments') }}
),

final as (
    select
        checked.experiment_id,
        checked.variant,
        checked.variant = experiments.control_variant as is_control,
        cast(experiments.start_date as date) as start_date,
        cast(experiments.end_date as date) as end_date,
        cast(checked.assigned_units as {{ dbt.type_bigint() }}) as assigned_units,
        cast(checked.experiment_units as {{ dbt.type_bigint() }}) as experiment_units,
        checked.observed_share,
        checked.expected_share,
        checked.expected_units,
        cast(checked.degrees_of_freedom as {{ dbt.type_int() }}) as degrees_of_freedom,
        checked.srm_chi_square,
        checked.srm_p_value,
        checked.has_sample_ratio_mismatch
    from checked
    inner join experiments on checked.experiment_id = experiments.experiment_id
)

select
    experiment_id,
    variant,
    is_control,
    start_date,
    end_date,
    assigned_units,
    experiment_units,
    observed_share,
    expected_share,
    expected_units,
    degrees_of_freedom,
    srm_chi_square,
    srm_p_value,
    has_sample_ratio_mismatch
from final
