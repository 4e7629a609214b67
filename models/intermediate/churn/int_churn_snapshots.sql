-- The churn model's snapshots (doc block churn_model): T is the observation end of the CLV fits
-- (var clv_observation_end, or the last order date), N the var churn_horizon_days. 'train' at
-- T - 2N (labels over T - 2N .. T - N) and 'evaluate' at T - N (labels over T - N .. T) prove the
-- model on a time split; 'score' at T has no label yet: the persons scored in customer_churn_risk.
with

observation_end as (
    select {{ clv_observation_end() }} as observation_end_date
),

snapshots as (
    select
        'train' as snapshot_role,
        cast({{ dbt.dateadd('day', -2 * var('churn_horizon_days'), 'observation_end_date') }} as date)
            as snapshot_date,
        cast({{ dbt.dateadd('day', -1 * var('churn_horizon_days'), 'observation_end_date') }} as date)
            as label_end_date
    from observation_end
    union all
    select
        'evaluate' as snapshot_role,
        cast({{ dbt.dateadd('day', -1 * var('churn_horizon_days'), 'observation_end_date') }} as date)
            as snapshot_date,
        cast(observation_end_date as date) as label_end_date
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
