-- The rows of feedback that meet the raw data contract; the others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__feedback') }}
),

clean as (
    select
        feedback_id,
        customer_id,
        order_id,
        survey_type,
        score,
        comment,
        channel,
        language,
        submitted_ts,
        submitted_date
    from validated
    where rejection_rule is null
)

select * from clean
