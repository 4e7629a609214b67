{{ config(enabled=adapter_in_use('delighted')) }}

-- Delighted survey responses as contract feedback rows, in the contract's column order, as text:
-- base_shop__feedback validates them as it does a CSV file.
with

resolved as (
    select * from {{ ref('base_delighted__survey_responses') }}
),

final as (
    select
        -- the contract's columns
        feedback_id,
        customer_id,
        order_id,
        submitted_ts,
        survey_type,
        score,
        comment,
        channel,
        language,

        -- the Delighted response it comes from
        response_id
    from resolved
    where rejection_rule is null
)

select * from final
