-- The experiment assignments that meet the raw data contract, one per unit and experiment; the
-- others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__experiment_assignments') }}
),

clean as (
    select
        -- ids
        experiment_id,
        variant,
        unit_id,
        customer_id,
        anonymous_id,

        -- timestamps
        assigned_ts
    from validated
    where rejection_rule is null
)

select * from clean
