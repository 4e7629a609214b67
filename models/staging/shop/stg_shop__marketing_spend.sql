-- The rows of marketing_spend that meet the raw data contract; the others are in audit_rejected_rows.
with

validated as (
    select * from {{ ref('base_shop__marketing_spend') }}
),

clean as (
    select
        spend_date,
        country_code,
        channel,
        currency,
        amount_local,
        amount_usd,
        is_fx_rate_estimated
    from validated
    where rejection_rule is null
)

select * from clean
