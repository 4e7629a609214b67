"""Suite of models/marts/attribution: fct_order_attribution."""

from __future__ import annotations

from . import (
    MartSuite,
    at_least_zero,
    between,
    not_less_than,
    not_null,
    one_of,
    rule,
    timestamps,
)

MODELS = ["first_touch", "last_touch", "linear", "time_decay", "position_based"]

fct_order_attribution = MartSuite(
    mart="fct_order_attribution",
    grain=("order_id", "attribution_model", "touchpoint_number"),
    expectations=(
        *not_null("touchpoints_in_window", "session_channel", "order_ts", "order_date", "customer_id",
                  "person_key", "credit", "attributed_net_revenue_usd"),
        one_of("attribution_model", MODELS),
        between("credit", 0, 1),
        *at_least_zero("touchpoint_number", "touchpoints_in_window", "hours_before_order",
                       "attributed_net_revenue_usd"),
        not_less_than("touchpoints_in_window", "touchpoint_number"),
        *timestamps("order_ts", "order_date", "session_start_ts"),
        rule("An order's credits sum to 1 under each attribution model.",
             "select order_id, attribution_model from {batch} group by order_id, attribution_model "
             "having abs(sum(credit) - 1) > 1e-9"),
        rule("An order's attributed revenue sums to its net revenue under each model.",
             "select a.order_id, a.attribution_model from {batch} as a join marts.fct_orders as o "
             "on a.order_id = o.order_id group by a.order_id, a.attribution_model "
             "having abs(sum(a.attributed_net_revenue_usd) - any_value(o.net_revenue_usd)) > 0.005"),
        rule("Every confirmed order of fct_orders, and only they, is credited under all five models.",
             "with credited as (select order_id, count(distinct attribution_model) as models from {batch} "
             "group by order_id), confirmed as (select order_id from marts.fct_orders where is_confirmed_order) "
             "select * from credited full join confirmed on credited.order_id = confirmed.order_id "
             "where confirmed.order_id is null or credited.models is distinct from 5"),
        rule("Touchpoints are numbered 1 to touchpoints_in_window; an order without a session has touchpoint 0 "
             "in channel no_tracked_session.",
             "select * from {batch} where not ((session_id is null and touchpoint_number = 0 "
             "and touchpoints_in_window = 0 and session_channel = 'no_tracked_session') "
             "or (session_id is not null and touchpoint_number between 1 and touchpoints_in_window))"),
        rule("Session channels are the utm_channels seed's, direct, other or no_tracked_session.",
             "select * from {batch} where session_channel not in (select session_channel from reference.utm_channels) "
             "and session_channel not in ('direct', 'other', 'no_tracked_session')"),
        rule("first_touch credits the first touchpoint, last_touch the last, in full.",
             "select * from {batch} where (attribution_model = 'first_touch' and credit <> "
             "case when touchpoint_number <= 1 then 1 else 0 end) or (attribution_model = 'last_touch' "
             "and credit <> case when touchpoint_number = touchpoints_in_window then 1 else 0 end)"),
    ),
)

SUITES = [fct_order_attribution]
