{#- The columns of a confirmed order that the mart carries and its incremental run compares (in
    this order); the credit logic reads order_id, person_key, order_ts and net_revenue_usd. -#}
{% macro attribution_order_columns() -%}
    {{ return([
        'order_id', 'customer_id', 'person_key', 'country_code', 'country_name', 'order_ts', 'order_date',
        'net_revenue_usd',
    ]) }}
{%- endmacro %}

{#- The credit of every touchpoint of every confirmed order under every attribution model (doc
    block `attribution`): the one definition that fct_order_attribution aggregates by channel and
    the analysis order_attribution_touchpoints lists. `orders` names a relation or CTE of
    confirmed orders (order_id, person_key, order_ts, net_revenue_usd), `sessions` one of
    fct_sessions' rows (session_id, person_key, session_start_ts, session_channel). The macro
    writes CTEs (no leading `with`, no trailing comma). `touchpoints` has one row per order and
    touchpoint (hours_before_order, the time-decay weight); the last, `touchpoints_credited`, one
    row per order, attribution model and touchpoint; an order without a session in its window has
    one row per model (touchpoint 0, no session, credit 1). Only keys, the channel and the credit
    travel through the five models' rows: a reader joins the order's and the session's other
    columns by order_id and session_id (DECISIONS.md, issue 22: narrow rows cut the CPU and memory
    of the window sorts). -#}
{% macro attribution_touchpoints_credited(orders, sessions) -%}
order_touchpoints as (
    -- A left join, so that an order without a session in its window keeps one row (session
    -- columns null). Matched on person_key: a session under another customer id of the person
    -- (a guest checkout, the app account) led to the order too.
    select
        {{ orders }}.order_id,
        -- exact: net revenue is a DECIMAL with 2 decimals
        cast({{ orders }}.net_revenue_usd * 100 as {{ dbt.type_bigint() }}) as order_cents,
        {{ sessions }}.session_id,
        {{ sessions }}.session_start_ts,
        {{ sessions }}.session_channel,
        -- microseconds: event times carry fractions of a second
        cast(
            {{ dbt.datediff(sessions ~ '.session_start_ts', orders ~ '.order_ts', 'microsecond') }}
            as double
        ) / 3600000000 as hours_before_order
    from {{ orders }}
    left join {{ sessions }}
        on
            {{ orders }}.person_key = {{ sessions }}.person_key
            -- the session started at or before the order, and after the window opened
            and {{ orders }}.order_ts >= {{ sessions }}.session_start_ts
            and {{ dbt.dateadd('day', -1 * var('attribution_window_days'), orders ~ '.order_ts') }}
            < {{ sessions }}.session_start_ts
),

numbered_touchpoints as (
    select
        *,
        -- session_id breaks ties of start time, so first and last touch do not vary by build
        case
            when session_id is not null
                then row_number() over (partition by order_id order by session_start_ts asc, session_id asc)
            else 0
        end as touchpoint_number,
        count(session_id) over (partition by order_id) as touchpoints_in_window,
        power(2, -hours_before_order / (24 * {{ var('attribution_half_life_days') }})) as time_decay_weight
    from order_touchpoints
),

touchpoints as (
    select
        *,
        time_decay_weight / sum(time_decay_weight) over (partition by order_id) as time_decay_share
    from numbered_touchpoints
),

attribution_models as (
    {{ attribution_model_rows() }}
),

credited as (
    select
        touchpoints.order_id,
        touchpoints.order_cents,
        touchpoints.touchpoint_number,
        touchpoints.touchpoints_in_window,
        touchpoints.session_id,
        touchpoints.session_channel,
        attribution_models.attribution_model,
        -- 0.4 / 0.2 / 0.4 is the definition of position_based, not a setting: another split
        -- would be another model.
        cast(case
            when touchpoints.touchpoints_in_window = 0 then 1
            when attribution_models.attribution_model = 'first_touch'
                then case when touchpoints.touchpoint_number = 1 then 1 else 0 end
            when attribution_models.attribution_model = 'last_touch'
                then
                    case
                        when touchpoints.touchpoint_number = touchpoints.touchpoints_in_window
                            then 1
                        else 0
                    end
            when attribution_models.attribution_model = 'linear'
                then 1 / cast(touchpoints.touchpoints_in_window as double)
            when attribution_models.attribution_model = 'time_decay'
                then touchpoints.time_decay_share
            when attribution_models.attribution_model = 'position_based'
                then
                    case
                        when touchpoints.touchpoints_in_window = 1 then 1
                        when touchpoints.touchpoints_in_window = 2 then 0.5
                        when
                            touchpoints.touchpoint_number in (1, touchpoints.touchpoints_in_window)
                            then 0.4
                        else 0.2 / cast(touchpoints.touchpoints_in_window - 2 as double)
                    end
        end as double) as unrounded_credit
    from touchpoints
    cross join attribution_models
),

-- Attributed revenue in whole cents that add up to the order's net revenue exactly (doc block
-- money_rounding): each touchpoint gets the whole cents below credit x revenue, and the cents left
-- over go one each to the touchpoints with the largest fractions (largest remainder; ties to the
-- earlier touchpoint).
credited_cents as (
    select
        *,
        -- credit: rounded to 12 decimals so that last-bit differences of power() and of
        -- floating-point sums (engine, thread order) do not change the stored value
        round(unrounded_credit, 12) as credit,
        round(unrounded_credit, 12) * order_cents as exact_cents
    from credited
),

floored_cents as (
    select
        *,
        cast(floor(exact_cents) as {{ dbt.type_bigint() }}) as whole_cents,
        exact_cents - floor(exact_cents) as remainder_cents
    from credited_cents
),

allocated_cents as (
    select
        *,
        order_cents - sum(whole_cents) over (partition by order_id, attribution_model) as cents_left,
        row_number() over (
            partition by order_id, attribution_model
            order by remainder_cents desc, touchpoint_number asc
        ) as remainder_rank
    from floored_cents
),

touchpoints_credited as (
    select
        order_id,
        attribution_model,
        touchpoint_number,
        touchpoints_in_window,
        session_id,
        coalesce(session_channel, 'no_tracked_session') as session_channel,
        unrounded_credit,
        credit,
        -- whole cents, exact: the mart sums them by channel before turning them into dollars
        whole_cents + case when remainder_rank <= cents_left then 1 else 0 end as attributed_cents
    from allocated_cents
)
{%- endmacro %}
