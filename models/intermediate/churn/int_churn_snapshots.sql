-- The churn model's snapshots (doc block churn_model): T is the observation end of the CLV fits
-- (var clv_observation_end, or the last order date), A its anchor on the refit schedule
-- (fit_anchor_date: T itself with the default var fit_refit_every_days 1), N the var
-- churn_horizon_days. 'train' at A - 2N (labels over A - 2N .. A - N) and 'evaluate' at A - N
-- (labels over A - N .. A) prove the model on a time split and train the scoring model; 'score' at
-- T has no label yet: the persons scored in customer_churn_risk. Between two anchors only late
-- data and erasures change the labelled snapshots, so the fits can keep their stored fit.
with

observation_end as (
    select
        observation_end_date,
        {{ fit_anchor_date('observation_end_date') }} as fit_anchor_date
    from (select {{ clv_observation_end() }} as observation_end_date) as observed
),

snapshots as (
    select
        'train' as snapshot_role,
        cast({{ dbt.dateadd('day', -2 * var('churn_horizon_days'), 'fit_anchor_date') }} as date)
            as snapshot_date,
        cast({{ dbt.dateadd('day', -1 * var('churn_horizon_days'), 'fit_anchor_date') }} as date)
            as label_end_date
    from observation_end
    union all
    select
        'evaluate' as snapshot_role,
        cast({{ dbt.dateadd('day', -1 * var('churn_horizon_days'), 'fit_anchor_date') }} as date)
            as snapshot_date,
        cast(fit_anchor_date as date) as label_end_date
    from observation_end
    union all
    select
        'score' as snapshot_role,
        cast(observation_end_date as date) as snapshot_date,
        cast(null as date) as label_end_date
    from observation_end
),

final as (
    select
        snapshot_role,
        snapshot_date,
        label_end_date
    from snapshots
    where snapshot_date is not null
)

select * from final
