-- Per experiment, variant and metric: units, eligible units, mean and standard deviation; for a
-- treatment variant, its lift against the control with 95% intervals (absolute: Welch's normal
-- interval; relative: the delta method), the two-sided p-value, and the CUPED-adjusted absolute
-- lift (the same metric's pre-assignment value as covariate, theta pooled over the variants) with
-- the variance reduction it achieved. Computed from sufficient statistics (n, sums, sums of
-- squares and cross-products), so it runs in SQL on any engine (doc block experiment_statistics).
-- An experiment flagged for sample-ratio mismatch carries the flag on every row.
{#- the intervals' normal quantile (95%) -#}
{%- set z = interval_z() %}


with

unit_metrics as (
    select * from {{ ref('int_experiment_units_measured') }}
),

sample_ratios as (
    select * from {{ ref('int_experiments_sample_ratio_checked') }}
),

experiments as (
    select * from {{ ref('experiments') }}
),

sample_ratio_flags as (
    select distinct
        experiment_id,
        has_sample_ratio_mismatch
    from sample_ratios
),

-- The sums are exact: each unit's value as a decimal with 6 places (38 digits, so that a square
-- fits; conversions, retention and orders are whole numbers, net revenue has 2 places, the
-- engagement score is a sum of counts times the seed's weights), summed as decimals and only then
-- turned into doubles. Summing doubles would make the last digits depend on the order the engine
-- reads the rows in (the adapter route and the contract route gave different 15th digits).
{%- set y = "cast(metric_value as decimal(38, 6))" %}
{%- set x = "cast(coalesce(pre_assignment_value, 0) as decimal(38, 6))" %}
sums_by_variant as (
    select
        experiment_id,
        variant,
        metric_name,
        count(*) as units,
        sum(case when is_eligible then 1 else 0 end) as eligible_units,
        cast(sum(case when is_eligible then {{ y }} end) as double) as sum_y,
        cast(sum(case when is_eligible then {{ y }} * {{ y }} end) as double) as sum_yy,
        cast(sum(case when is_eligible then {{ x }} end) as double) as sum_x,
        cast(sum(case when is_eligible then {{ x }} * {{ x }} end) as double) as sum_xx,
        cast(sum(case when is_eligible then {{ x }} * {{ y }} end) as double) as sum_xy
    from unit_metrics
    group by experiment_id, variant, metric_name
),

-- theta = cov(y, x) / var(x) over every eligible unit of the experiment (all variants)
cuped_theta as (
    select
        experiment_id,
        metric_name,
        case
            when sum(sum_xx) - sum(sum_x) * sum(sum_x) / sum(eligible_units) > 0
                then
                    (sum(sum_xy) - sum(sum_x) * sum(sum_y) / sum(eligible_units))
                    / (sum(sum_xx) - sum(sum_x) * sum(sum_x) / sum(eligible_units))
            else 0
        end as cuped_theta
    from sums_by_variant
    where eligible_units > 0
    group by experiment_id, metric_name
),

moments as (
    select
        sums_by_variant.experiment_id,
        sums_by_variant.variant,
        sums_by_variant.metric_name,
        sums_by_variant.units,
        sums_by_variant.eligible_units,
        cuped_theta.cuped_theta,
        sums_by_variant.sum_y / nullif(sums_by_variant.eligible_units, 0) as mean_y,
        sums_by_variant.sum_x / nullif(sums_by_variant.eligible_units, 0) as mean_x,
        {{ sample_covariance('sums_by_variant.sum_y', 'sums_by_variant.sum_y', 'sums_by_variant.sum_yy',
            'sums_by_variant.eligible_units') }} as var_y,
        {{ sample_covariance('sums_by_variant.sum_x', 'sums_by_variant.sum_x', 'sums_by_variant.sum_xx',
            'sums_by_variant.eligible_units') }} as var_x,
        {{ sample_covariance('sums_by_variant.sum_x', 'sums_by_variant.sum_y', 'sums_by_variant.sum_xy',
            'sums_by_variant.eligible_units') }} as cov_xy
    from sums_by_variant
    left join cuped_theta
        on
            sums_by_variant.experiment_id = cuped_theta.experiment_id
            and sums_by_variant.metric_name = cuped_theta.metric_name
),

adjusted as (
    select
        *,
        -- rounding can leave a variance a hair below 0 (greatest would also turn the null variance
        -- of a single unit into 0, so a case)
        case when var_y < 0 then 0 else var_y end / nullif(eligible_units, 0) as var_mean_y,
        case
            when var_y + cuped_theta * cuped_theta * var_x - 2 * cuped_theta * cov_xy < 0 then 0
            else var_y + cuped_theta * cuped_theta * var_x - 2 * cuped_theta * cov_xy
        end / nullif(eligible_units, 0)
            as var_mean_cuped
    from moments
),

with_control as (
    select
        treatment.*,
        experiments.control_variant,
        cast(experiments.start_date as date) as start_date,
        treatment.variant = experiments.control_variant as is_control,
        treatment.metric_name = experiments.primary_metric as is_primary_metric,
        control.mean_y as control_mean_y,
        control.mean_x as control_mean_x,
        control.var_mean_y as control_var_mean_y,
        control.var_mean_cuped as control_var_mean_cuped
    from adjusted as treatment
    inner join experiments on treatment.experiment_id = experiments.experiment_id
    left join adjusted as control
        on
            treatment.experiment_id = control.experiment_id
            and treatment.metric_name = control.metric_name
            and experiments.control_variant = control.variant
),

lifts as (
    select
        *,
        case when not is_control then mean_y - control_mean_y end as absolute_lift,
        case when not is_control then {{ difference_standard_error('var_mean_y', 'control_var_mean_y') }} end
            as absolute_lift_se,
        case when not is_control then mean_y / nullif(control_mean_y, 0) - 1 end as relative_lift,
        -- delta method: var(a / b) ~ var(a) / b^2 + a^2 var(b) / b^4
        case
            when not is_control
                then sqrt(
                    var_mean_y / nullif(control_mean_y * control_mean_y, 0)
                    + mean_y * mean_y * control_var_mean_y
                    / nullif(control_mean_y * control_mean_y * control_mean_y * control_mean_y, 0)
                )
        end as relative_lift_se,
        case
            when not is_control
                then (mean_y - control_mean_y) - cuped_theta * (mean_x - control_mean_x)
        end as cuped_absolute_lift,
        case when not is_control then {{ difference_standard_error('var_mean_cuped', 'control_var_mean_cuped') }} end
            as cuped_absolute_lift_se
    from with_control
),

final as (
    select
        lifts.experiment_id,
        lifts.variant,
        lifts.metric_name,
        lifts.start_date,
        lifts.is_control,
        lifts.is_primary_metric,
        cast(lifts.units as {{ dbt.type_bigint() }}) as units,
        cast(lifts.eligible_units as {{ dbt.type_bigint() }}) as eligible_units,
        lifts.mean_y as mean_value,
        sqrt(case when lifts.var_y < 0 then 0 else lifts.var_y end) as sd_value,
        lifts.control_mean_y as control_mean_value,
        lifts.absolute_lift,
        lifts.absolute_lift - {{ z }} * lifts.absolute_lift_se as absolute_lift_ci_lower,
        lifts.absolute_lift + {{ z }} * lifts.absolute_lift_se as absolute_lift_ci_upper,
        lifts.relative_lift,
        lifts.relative_lift - {{ z }} * lifts.relative_lift_se as relative_lift_ci_lower,
        lifts.relative_lift + {{ z }} * lifts.relative_lift_se as relative_lift_ci_upper,
        {{ normal_two_sided_p_value('lifts.absolute_lift / nullif(lifts.absolute_lift_se, 0)') }} as p_value,
        lifts.cuped_theta,
        lifts.cuped_absolute_lift,
        lifts.cuped_absolute_lift - {{ z }} * lifts.cuped_absolute_lift_se as cuped_absolute_lift_ci_lower,
        lifts.cuped_absolute_lift + {{ z }} * lifts.cuped_absolute_lift_se as cuped_absolute_lift_ci_upper,
        {{ normal_two_sided_p_value('lifts.cuped_absolute_lift / nullif(lifts.cuped_absolute_lift_se, 0)') }}
            as cuped_p_value,
        case
            when not lifts.is_control
                then
                    1 - lifts.cuped_absolute_lift_se * lifts.cuped_absolute_lift_se
                    / nullif(lifts.absolute_lift_se * lifts.absolute_lift_se, 0)
        end as cuped_variance_reduction,
        coalesce(sample_ratio_flags.has_sample_ratio_mismatch, false) as has_sample_ratio_mismatch
    from lifts
    left join sample_ratio_flags
        on lifts.experiment_id = sample_ratio_flags.experiment_id
)

select
    experiment_id,
    variant,
    metric_name,
    start_date,
    is_control,
    is_primary_metric,
    units,
    eligible_units,
    mean_value,
    sd_value,
    control_mean_value,
    absolute_lift,
    absolute_lift_ci_lower,
    absolute_lift_ci_upper,
    relative_lift,
    relative_lift_ci_lower,
    relative_lift_ci_upper,
    p_value,
    cuped_theta,
    cuped_absolute_lift,
    cuped_absolute_lift_ci_lower,
    cuped_absolute_lift_ci_upper,
    cuped_p_value,
    cuped_variance_reduction,
    has_sample_ratio_mismatch
from final
