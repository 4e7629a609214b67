-- Which engagement signals tell next-quarter retention, per market, area type and quarter (doc
-- block signal_validation): one row per signal (and the score itself), country, area type
-- (urban, rural, unknown, and all) and calendar quarter whose next quarter is complete. The
-- statistics are int_engagement_signals_validated's, which also pools the quarters for
-- engagement_weight_suggestions.
with

validated as (
    select * from {{ ref('int_engagement_signals_validated') }}
    where period_type = 'quarter'
),

final as (
    select
        signal_name,
        country_code,
        area_type,
        quarter_start,
        base_persons,
        persons_with_signal,
        retained_with_signal,
        persons_without_signal,
        retained_without_signal,
        retention_rate_with_signal,
        retention_rate_without_signal,
        retention_lift,
        retention_lift_lower,
        retention_lift_upper,
        retention_auc,
        validation_status,
        is_lift_indistinguishable,
        has_lift_sign_changed,
        earlier_positive_quarters,
        earlier_negative_quarters
    from validated
)

select * from final
