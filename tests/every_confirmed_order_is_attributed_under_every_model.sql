-- Every confirmed order (counted here straight from int_orders_enriched) has rows under each of
-- the five attribution models, with or without a tracked session, and no other order has any.
with

confirmed_orders as (
    select order_id
    from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

attribution_models as (
    {{ attribution_model_rows() }}
),

expected as (
    select
        confirmed_orders.order_id,
        attribution_models.attribution_model
    from confirmed_orders
    cross join attribution_models
),

reported as (
    select distinct
        order_id,
        attribution_model
    from {{ ref('fct_order_attribution') }}
)

select
    coalesce(expected.order_id, reported.order_id) as order_id,
    coalesce(expected.attribution_model, reported.attribution_model) as attribution_model,
    expected.order_id is not null as is_expected,
    reported.order_id is not null as is_reported
from expected
full outer join reported
    on
        expected.order_id = reported.order_id
        and expected.attribution_model = reported.attribution_model
where expected.order_id is null or reported.order_id is null
