{#- The columns of a confirmed order that the mart carries and its incremental run compares (in
    this order); the credit logic reads order_id, person_key, order_ts and net_revenue_usd. -#}
{% macro attribution_order_columns() -%}
    {{ return([
        'order_id', 'customer_id', 'person_key', 'country_code', 'country_name', 'order_ts', 'order_date',
        'net_revenue_usd',
    ]) }}
{%- endmacro %}

{#- The credit of every touchpoint of every confirmed order under every attribution model (doc
    block `attribution`): the one definition that fct_order_attribution sums by channel and the
    analysis order_attribution_touchpoints lists. `orders` names a relation or CTE of confirmed
    orders (order_id, person_key, order_ts, net_revenue_usd), `sessions` one of fct_sessions' rows
    (session_id, person_key, session_start_ts, session_channel). The macro writes CTEs (no leading
    `with`, no trailing comma). `touchpoints` has one row per order and touchpoint
    (hours_before_order, the time-decay weight); `touchpoint_credits` too, with each model's
    credit and cents as columns <model>_unrounded_credit, <model>_credit and
    <model>_attributed_cents (the mart sums these by channel); the last, `touchpoints_credited`,
    one row per order, attribution model and touchpoint. An order without a session in its window
    has one touchpoint (number 0, no session, credit 1 under every model). Only keys, the channel
    and the credit travel: a reader joins the order's and the session's other columns by order_id
    and session_id (DECISIONS.md, issue 22: the models as columns of one touchpoint row, so that
    the window sorts read each touchpoint once, not five times). -#}
{% macro attribution_touchpoints_credited(orders, sessions) -%}
{#- the models whose remainders rank by the touchpoint's number (time_decay's are sorted) -#}
{%- set models_ranked_by_number = attribution_models() | reject('equalto', 'time_decay') | list %}
-- A person's sessions numbered by start time (session_id breaks ties, so first and last touch do
-- not vary by build), so that the touchpoints of an order are sorted by one integer, not by a time
-- and a string.
numbered_sessions as (
    select
        session_id,
        person_key,
        session_start_ts,
        session_channel,
        row_number() over (
            partition by person_key
            order by session_start_ts asc, session_id asc
        ) as person_session_number
    from {{ sessions }}
),

order_touchpoints as (
    -- A left join, so that an order without a session in its window keeps one row (session
    -- columns null). Matched on person_key: a session under another customer id of the person
    -- (a guest checkout, the app account) led to the order too.
    select
        {{ orders }}.order_id,
        -- exact: net revenue is a DECIMAL with 2 decimals
        cast({{ orders }}.net_revenue_usd * 100 as {{ dbt.type_bigint() }}) as order_cents,
        numbered_sessions.session_id,
        numbered_sessions.person_session_number,
        numbered_sessions.session_start_ts,
        numbered_sessions.session_channel,
        -- microseconds: event times carry fractions of a second
        cast(
            {{ dbt.datediff('numbered_sessions.session_start_ts', orders ~ '.order_ts', 'microsecond') }}
            as double
        ) / 3600000000 as hours_before_order
    from {{ orders }}
    left join numbered_sessions
        on
            {{ orders }}.person_key = numbered_sessions.person_key
            -- the session started at or before the order, and after the window opened
            and {{ orders }}.order_ts >= numbered_sessions.session_start_ts
            and {{ dbt.dateadd('day', -1 * var('attribution_window_days'), orders ~ '.order_ts') }}
            < numbered_sessions.session_start_ts
),

weighted_touchpoints as (
    select
        *,
        power(2, -hours_before_order / (24 * {{ var('attribution_half_life_days') }})) as time_decay_weight
    from order_touchpoints
),

-- the three windows share one partition, so the engine sorts the touchpoints once, by an integer
-- (the weights are summed in that order: another order could change the last bit of a share)
touchpoints as (
    select
        *,
        case
            when person_session_number is not null
                then row_number() over (partition by order_id order by person_session_number asc)
            else 0
        end as touchpoint_number,
        count(person_session_number) over (partition by order_id) as touchpoints_in_window,
        time_decay_weight / sum(time_decay_weight) over (partition by order_id) as time_decay_share
    from weighted_touchpoints
),

attribution_models as (
    {{ attribution_model_rows() }}
),

-- Attributed revenue in whole cents that add up to the order's net revenue exactly (doc block
-- money_rounding), under each model: each touchpoint gets the whole cents below credit x revenue,
-- and the cents left over go one each to the touchpoints with the largest fractions (largest
-- remainder; ties to the earlier touchpoint). The credit is rounded to 12 decimals so that
-- last-bit differences of power() and of floating-point sums (engine, thread order) do not
-- change the stored value. time_decay first: its cents left and the ranks of its remainders need
-- the one sort (a window over the order by remainder), which reads narrow rows before the other
-- models' columns are added.
time_decay_credited as (
    select
        *,
        cast(case
            when touchpoints_in_window = 0 then 1
            else time_decay_share
        end as double) as time_decay_unrounded_credit
    from touchpoints
),

time_decay_floored as (
    select
        *,
        round(time_decay_unrounded_credit, 12) as time_decay_credit,
        cast(floor(round(time_decay_unrounded_credit, 12) * order_cents) as {{ dbt.type_bigint() }})
        as time_decay_whole_cents,
        round(time_decay_unrounded_credit, 12) * order_cents
        - floor(round(time_decay_unrounded_credit, 12) * order_cents) as time_decay_remainder_cents
    from time_decay_credited
),

time_decay_ranked as (
    select
        *,
        order_cents - sum(time_decay_whole_cents) over (partition by order_id) as time_decay_cents_left,
        row_number() over (
            partition by order_id
            order by time_decay_remainder_cents desc, touchpoint_number asc
        ) as time_decay_remainder_rank
    from time_decay_floored
),

-- the other models' credits as columns of the touchpoint (macro attribution_models lists the
-- names); position_based's two credits of an order: its ends' (every touchpoint's under 3
-- touchpoints) and its middle touchpoints'
credited as (
    select
        *,
        cast(case
            when touchpoints_in_window = 0 then 1
            when touchpoint_number = 1 then 1
            else 0
        end as double) as first_touch_unrounded_credit,
        cast(case
            when touchpoints_in_window = 0 then 1
            when touchpoint_number = touchpoints_in_window then 1
            else 0
        end as double) as last_touch_unrounded_credit,
        cast(case
            when touchpoints_in_window = 0 then 1
            else 1 / cast(touchpoints_in_window as double)
        end as double) as linear_unrounded_credit,
        -- 0.4 / 0.2 / 0.4 is the definition of position_based, not a setting: another split
        -- would be another model.
        cast(case
            when touchpoints_in_window <= 1 then 1
            when touchpoints_in_window = 2 then 0.5
            else 0.4
        end as double) as position_based_end_unrounded_credit,
        cast(case
            when touchpoints_in_window >= 3 then 0.2 / cast(touchpoints_in_window - 2 as double)
        end as double) as position_based_middle_unrounded_credit
    from time_decay_ranked
),

position_credited as (
    select
        *,
        case
            when touchpoints_in_window < 3 or touchpoint_number in (1, touchpoints_in_window)
                then position_based_end_unrounded_credit
            else position_based_middle_unrounded_credit
        end as position_based_unrounded_credit
    from credited
),

credited_cents as (
    select
        *,
        {%- for model in models_ranked_by_number + ['position_based_end', 'position_based_middle'] %}
        round({{ model }}_unrounded_credit, 12) as {{ model }}_credit,
        round({{ model }}_unrounded_credit, 12) * order_cents as {{ model }}_exact_cents
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from position_credited
),

floored_cents as (
    select
        *,
        {%- for model in models_ranked_by_number + ['position_based_end', 'position_based_middle'] %}
        cast(floor({{ model }}_exact_cents) as {{ dbt.type_bigint() }}) as {{ model }}_whole_cents,
        {{ model }}_exact_cents - floor({{ model }}_exact_cents) as {{ model }}_remainder_cents
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from credited_cents
),

-- The cents left per order and the rank of a touchpoint's remainder in its order, largest first,
-- ties to the earlier touchpoint, under the models other than time_decay: an order's touchpoints
-- have at most two credits under them, known from the touchpoint count, so the cents left follow
-- from the count and the rank from the touchpoint's number. first_touch and last_touch: one
-- touchpoint has credit 1 and all the order's cents, none left. linear: every touchpoint's
-- credit times the revenue has the same fraction (one value for 1/n), so the numbers rank them.
-- position_based with three touchpoints or more: the two ends share one remainder, the middle
-- ones another; the larger pair goes first.
ranked_cents as (
    select
        *,
        0 as first_touch_cents_left,
        0 as last_touch_cents_left,
        order_cents - greatest(touchpoints_in_window, 1) * linear_whole_cents as linear_cents_left,
        order_cents - case
            when touchpoints_in_window < 3
                then greatest(touchpoints_in_window, 1) * position_based_end_whole_cents
            else
                2 * position_based_end_whole_cents
                + (touchpoints_in_window - 2) * position_based_middle_whole_cents
        end as position_based_cents_left,
        greatest(touchpoint_number, 1) as first_touch_remainder_rank,
        greatest(touchpoint_number, 1) as last_touch_remainder_rank,
        greatest(touchpoint_number, 1) as linear_remainder_rank,
        case
            when
                touchpoints_in_window < 3
                or position_based_end_remainder_cents = position_based_middle_remainder_cents
                then greatest(touchpoint_number, 1)
            when position_based_end_remainder_cents > position_based_middle_remainder_cents
                then
                    case
                        when touchpoint_number = 1 then 1
                        when touchpoint_number = touchpoints_in_window then 2
                        else touchpoint_number + 1
                    end
            when touchpoint_number = 1 then touchpoints_in_window - 1
            when touchpoint_number = touchpoints_in_window then touchpoints_in_window
            else touchpoint_number - 1
        end as position_based_remainder_rank
    from floored_cents
),

-- one row per order and touchpoint, each model's credit and cents as columns
touchpoint_credits as (
    select
        order_id,
        touchpoint_number,
        touchpoints_in_window,
        session_id,
        coalesce(session_channel, 'no_tracked_session') as session_channel,
        {%- for model in attribution_models() %}
        {{ model }}_unrounded_credit,
        {{ model }}_credit,
        -- whole cents, exact: the mart sums them by channel before turning them into dollars
        {{ model }}_whole_cents
        + case when {{ model }}_remainder_rank <= {{ model }}_cents_left then 1 else 0 end
        as {{ model }}_attributed_cents
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from ranked_cents
),

-- one row per order, attribution model and touchpoint
touchpoints_credited as (
    select
        touchpoint_credits.order_id,
        attribution_models.attribution_model,
        touchpoint_credits.touchpoint_number,
        touchpoint_credits.touchpoints_in_window,
        touchpoint_credits.session_id,
        touchpoint_credits.session_channel,
        {{ attribution_model_column('touchpoint_credits', 'unrounded_credit') }} as unrounded_credit,
        {{ attribution_model_column('touchpoint_credits', 'credit') }} as credit,
        {{ attribution_model_column('touchpoint_credits', 'attributed_cents') }} as attributed_cents
    from touchpoint_credits
    cross join attribution_models
)
{%- endmacro %}
