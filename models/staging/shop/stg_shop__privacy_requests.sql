-- The rows of privacy_requests that meet the raw data contract; the others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__privacy_requests') }}
),

clean as (
    select
        request_id,
        customer_id,
        request_type,
        requested_ts
    from validated
    where rejection_rule is null
)

select * from clean
