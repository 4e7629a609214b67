-- The GA4 events the adapter carries, as the contract's events table: they go through the
-- contract's validation (base_shop__events) like the project's own events file.
{{ config(enabled=adapter_in_use('ga4')) }}

with

carried as (
    select * from {{ ref('base_ga4__events') }}
    where rejection_rule is null
),

final as (
    select
        -- the contract's columns, in contract order (the shop source's YAML)
        {{ raw_contract_columns('events') | join(',\n        ') }},

        -- the export row it comes from
        raw_row_number
    from carried
)

select * from final
