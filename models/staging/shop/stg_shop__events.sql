-- The rows of events that meet the raw data contract; the others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__events') }}
),

clean as (
    select
        event_id,
        customer_id,
        anonymous_id,
        product_id,
        event_type,
        platform,
        country_code,
        page_path,
        utm_source,
        utm_medium,
        utm_campaign,
        properties,
        loyalty_points,
        is_anonymous_event,
        event_ts,
        event_date,
        loaded_at
    from validated
    where rejection_rule is null
)

select * from clean
