-- Each confirmed order credited to the channels of its person's sessions that started in the
-- window before it, under five attribution models (doc block `attribution`): one row per order,
-- model and channel of its touchpoints, the credits and cents of the channel's touchpoints summed
-- (macro attribution_touchpoints_credited holds the credit logic; the touchpoint grain is the
-- analysis order_attribution_touchpoints). Every channel of an order's touchpoints has a row
-- under every model, zero credit included, so the models share one grain. An order without a
-- session in its window keeps one row per model (no_tracked_session, credit 1).
--
-- Incremental by order (DECISIONS.md "Attribution at the grain BI reads, incremental by order" and
-- "fct_order_attribution's incremental run by window"): a run recomputes the orders that are new
-- or changed (confirmation, revenue, person, customer, country, time), and the orders whose window
-- can hold a session changed since the last run. A visitor whose sessions were loaded since changed
-- nothing before the earliest of them (int_events_sessionized re-sessionizes a visitor from the
-- start of its last session before its earliest change, and that session is reloaded too), so
-- its person's orders from that time on are recomputed; all of them when no session of the
-- visitor kept from before starts earlier (its first session was redone: what it held before is
-- unknown), or when the person has fewer visitors than their rows recorded (a visitor whose
-- sessions all went, or moved to another person, leaves no reloaded session behind). The pre-hook
-- removes the orders that are no longer confirmed. Rows are replaced by order_id.
{{ config(
    materialized=keyed_incremental_materialization(
        table_on_spark_because='it reads fct_sessions, rebuilt in full on Spark: every person has a new'
        ~ ' last_loaded_at, so an incremental run would recompute every order and then'
        ~ ' rewrite the table'),
    incremental_strategy='delete+insert',
    unique_key='order_id',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}{% set condition %}order_id not in (select order_id from {{ ref('int_orders_enriched') }} where is_confirmed_order){% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}
{%- set order_columns = attribution_order_columns() %}

with

orders as (
    select * from {{ ref('int_orders_enriched') }}
),

all_confirmed_orders as (
    select
        {{ attribution_order_columns() | join(',\n        ') }}
    from orders
    where is_confirmed_order
),

-- the visitors of a person: one that is gone from the person (its sessions deleted, or moved to
-- another person) lowers the count, which no reloaded session of the person shows; one that
-- joins the person has every session loaded since, so all the person's orders are recomputed
-- (the rule below) and every row gets the new count
person_visitors as (
    select
        person_key,
        count(distinct visitor_key) as visitors
    from {{ ref('fct_sessions') }}
    where person_key is not null
    group by person_key
),

{% if is_incremental() %}
last_run as (
    select max(loaded_at) as loaded_at from {{ this }}
),

-- one row per order without a group by: under first_touch, the channel holding touchpoint 1
-- (or the no_tracked_session row, touchpoint 0) is credited the order's whole net revenue, and
-- every row of an order carries the order's columns and its person's visitor count
orders_before as (
    select
        {%- for column in order_columns if column != 'net_revenue_usd' %}
            {{ column }},
        {%- endfor %}
        person_visitors,
        attributed_net_revenue_usd as net_revenue_usd
    from {{ this }}
    where
        attribution_model = 'first_touch'
        and first_touchpoint_number <= 1
),

changed_orders as (
    select all_confirmed_orders.order_id
    from all_confirmed_orders
    left join orders_before on all_confirmed_orders.order_id = orders_before.order_id
    where
        orders_before.order_id is null
        {%- for column in order_columns if column != 'order_id' %}
            or all_confirmed_orders.{{ column }} is distinct from orders_before.{{ column }}
        {%- endfor %}
),

-- per visitor of a person, the earliest start of its sessions loaded since the last run: no
-- session of the visitor changed or went before it
reloaded_visitors as (
    select
        visitor_key,
        person_key,
        min(session_start_ts) as reloaded_from_ts
    from {{ ref('fct_sessions') }}
    where
        person_key is not null
        and loaded_at > (select last_run.loaded_at from last_run)
    group by
        visitor_key,
        person_key
),

-- the earliest start of each such visitor's sessions kept from before (none: all redone)
kept_visitors as (
    select
        visitor_key,
        min(session_start_ts) as kept_from_ts
    from {{ ref('fct_sessions') }}
    where
        loaded_at <= (select last_run.loaded_at from last_run)
        and visitor_key in (select reloaded_visitors.visitor_key from reloaded_visitors)
    group by visitor_key
),

changed_windows as (
    select
        reloaded_visitors.person_key,
        case
            when kept_visitors.kept_from_ts < reloaded_visitors.reloaded_from_ts
                then reloaded_visitors.reloaded_from_ts
        end as changed_from_ts
    from reloaded_visitors
    left join kept_visitors on reloaded_visitors.visitor_key = kept_visitors.visitor_key
    union all
    select
        orders_before.person_key,
        null as changed_from_ts
    from orders_before
    left join person_visitors on orders_before.person_key = person_visitors.person_key
    where coalesce(person_visitors.visitors, 0) <> orders_before.person_visitors
),

orders_to_recompute as (
    select order_id from changed_orders
    union
    select all_confirmed_orders.order_id
    from all_confirmed_orders
    inner join changed_windows on all_confirmed_orders.person_key = changed_windows.person_key
    where
        changed_windows.changed_from_ts is null
        or all_confirmed_orders.order_ts >= changed_windows.changed_from_ts
),
{% endif %}

confirmed_orders as (
    select * from all_confirmed_orders
    {% if is_incremental() %}
        where order_id in (select orders_to_recompute.order_id from orders_to_recompute)
    {% endif %}
),

window_sessions as (
    select
        session_id,
        person_key,
        session_start_ts,
        session_channel
    from {{ ref('fct_sessions') }}
    where person_key is not null
    {% if is_incremental() %}
        and person_key in (select confirmed_orders.person_key from confirmed_orders)
    {% endif %}
),

{{ attribution_touchpoints_credited('confirmed_orders', 'window_sessions') }},

-- the channel's credits and cents summed under each model, then one row per model
channel_credits as (
    select
        order_id,
        session_channel,
        count(case when touchpoint_number > 0 then 1 end) as channel_touchpoints,
        min(touchpoint_number) as first_touchpoint_number,
        max(touchpoint_number) as last_touchpoint_number,
        max(touchpoints_in_window) as touchpoints_in_window,
        -- each channel's exact share rounded once, like a touchpoint's (a sum of rounded credits
        -- could exceed 1 by a rounding step when one channel holds every touchpoint)
        {%- for model in attribution_models() %}
            round(sum({{ model }}_unrounded_credit), 12) as {{ model }}_credit,
            sum({{ model }}_attributed_cents) as {{ model }}_attributed_cents
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from touchpoint_credits
    group by
        order_id,
        session_channel
),

final as (
    select
        -- keys
        channel_credits.order_id,
        attribution_models.attribution_model,
        channel_credits.session_channel,

        -- touchpoints
        cast(channel_credits.channel_touchpoints as {{ dbt.type_int() }}) as channel_touchpoints,
        cast(channel_credits.first_touchpoint_number as {{ dbt.type_int() }}) as first_touchpoint_number,
        cast(channel_credits.last_touchpoint_number as {{ dbt.type_int() }}) as last_touchpoint_number,
        cast(channel_credits.touchpoints_in_window as {{ dbt.type_int() }}) as touchpoints_in_window,

        -- order
        confirmed_orders.order_ts,
        confirmed_orders.order_date,
        confirmed_orders.customer_id,
        confirmed_orders.person_key,
        confirmed_orders.country_code,
        confirmed_orders.country_name,

        -- credit
        {{ attribution_model_column('channel_credits', 'credit') }} as credit,
        cast(
            cast({{ attribution_model_column('channel_credits', 'attributed_cents') }} as double) / 100
            as decimal(18, 2)
        ) as attributed_net_revenue_usd,

        -- load
        cast(coalesce(person_visitors.visitors, 0) as {{ dbt.type_int() }}) as person_visitors,
        {{ run_started_at_utc() }} as loaded_at
    from channel_credits
    cross join attribution_models
    inner join confirmed_orders on channel_credits.order_id = confirmed_orders.order_id
    left join person_visitors on confirmed_orders.person_key = person_visitors.person_key
)

select * from final
