-- Per market and weighted engagement signal: the weight the engagement score uses
-- (engagement_score_weights), the weight suggested from the data (int_engagement_weights_suggested,
-- doc block engagement_weight_suggestions), and whether the signal earns its weight: over every
-- validated quarter pooled (int_engagement_signals_validated, all areas), its retention lift is
-- distinguishable from zero with the sign of its configured weight.
with

suggested as (
    select * from {{ ref('int_engagement_weights_suggested') }}
),

pooled as (
    select * from {{ ref('int_engagement_signals_validated') }}
    where period_type = 'all' and area_type = 'all'
),

final as (
    select
        suggested.country_code,
        suggested.signal_name,
        suggested.configured_weight,
        suggested.suggested_weight,
        suggested.fitted_coefficient,
        suggested.weight_scale_factor,
        suggested.model_scope,
        suggested.model_status,
        suggested.training_person_quarters,
        pooled.base_persons as validated_person_quarters,
        pooled.retention_lift,
        pooled.retention_lift_lower,
        pooled.retention_lift_upper,
        pooled.retention_auc,
        pooled.validation_status,
        case
            when pooled.validation_status = 'ok'
                then pooled.lift_sign != 0 and pooled.lift_sign = sign(suggested.configured_weight)
        end as earns_weight
    from suggested
    left join pooled
        on
            suggested.country_code = pooled.country_code
            and suggested.signal_name = pooled.signal_name
)

select * from final
