-- One row per person, local day and signal with a count above zero: the daily inputs of the
-- dynamic cohorts' rules (doc block cohort_rules). The engagement signals are counted as
-- int_persons_engagement_by_month counts them (macro event_signal_count), on the event's local
-- date; confirmed_orders on the order's local date (with their net revenue), detractor_answers
-- on the answer's local date.
--
-- Incremental by affected person and day (doc block engagement_incremental): a run recomputes the
-- persons with an event loaded since its last run, the persons no customer id resolves to any
-- more, and the persons whose stored confirmed_orders or detractor_answers rows differ from their
-- orders and answers now; of each such person only the days from the first one a change can
-- reach (a row counts the events, orders and answers of its own local day), every day when that
-- is unknown (macro changed_persons_with_first_day) or when no signal of the person is left from
-- that day on (so that every recomputed person has a row of this run, which
-- int_persons_value_rank_by_month and cohort_membership_spells read). Rows are replaced by
-- person and day; every stored day in that range gets one placeholder row (signal_name null), so
-- that a day left with no signal still replaces its old rows; the post-hook deletes the
-- placeholders. Only the recomputed persons' events are counted, and only from their first
-- changed day, except for a person recomputed on every day (DECISIONS.md, "Issue 22:
-- int_persons_signals_by_day's incremental run").
-- depends_on: {{ ref('stg_shop__event_loads') }}
{{ config(
    materialized=keyed_incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=['person_key', 'activity_date'],
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}{% set condition %}signal_name is null{% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
    where stitched_customer_id is not null
),

{% if is_incremental() %}
-- the same events for the earlier days of the persons recomputed on every day for want of a
-- signal since: imported twice, not shared, since a CTE read twice is kept whole (every event)
-- where one read once is filtered down to the recomputed persons' events as it is scanned
events_before_change as (
    select * from {{ ref('int_events_sessionized') }}
    where stitched_customer_id is not null
),
{% endif %}

customer_persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

feedback as (
    select * from {{ ref('stg_shop__feedback') }}
    where survey_type = 'nps'
),

order_days as (
    select
        person_key,
        order_date as activity_date,
        'confirmed_orders' as signal_name,
        count(*) as signal_count,
        sum(net_revenue_usd) as net_revenue_usd
    from orders
    group by person_key, order_date
),

detractor_days as (
    select
        customer_persons.person_key,
        feedback.submitted_date as activity_date,
        'detractor_answers' as signal_name,
        count(*) as signal_count,
        cast(null as decimal(18, 2)) as net_revenue_usd
    from feedback
    inner join customer_persons on feedback.customer_id = customer_persons.customer_id
    where {{ nps_category('feedback.score') }} = 'detractor'
    group by customer_persons.person_key, feedback.submitted_date
),

customer_ids_fingerprints as (
    {{ customer_ids_fingerprints('customer_persons') }}
),

{% if is_incremental() %}
-- the stored table is read in three narrow passes, none of them kept whole: its persons with
-- their fingerprints (all the person-level change tests read), its order and answer days, and
-- the days of the recomputed persons (placeholders)
stored_persons as (
    select
        person_key,
        customer_ids_fingerprint
    from {{ this }}
    group by person_key, customer_ids_fingerprint
),

stored_order_and_answer_days as (
    select
        person_key,
        activity_date,
        signal_name,
        signal_count,
        net_revenue_usd
    from {{ this }}
    where signal_name in ('confirmed_orders', 'detractor_answers')
),

order_and_answer_days as (
    select * from order_days
    union all
    select * from detractor_days
),

-- per recomputed person and reason, the first day whose rows can have changed (null: any day)
changes as (
    {{ changed_persons_with_first_day('stored_persons', 'customer_ids_fingerprints', 'customer_persons') }}
    union all
    -- a day of confirmed orders or detractor answers that is new, gone or counts otherwise
    select
        coalesce(stored_order_and_answer_days.person_key, order_and_answer_days.person_key) as person_key,
        coalesce(stored_order_and_answer_days.activity_date, order_and_answer_days.activity_date)
            as changed_from_date
    from stored_order_and_answer_days
    full outer join order_and_answer_days
        on
            stored_order_and_answer_days.person_key = order_and_answer_days.person_key
            and stored_order_and_answer_days.activity_date = order_and_answer_days.activity_date
            and stored_order_and_answer_days.signal_name = order_and_answer_days.signal_name
    where
        stored_order_and_answer_days.person_key is null
        or order_and_answer_days.person_key is null
        or stored_order_and_answer_days.signal_count != order_and_answer_days.signal_count
        or stored_order_and_answer_days.net_revenue_usd is distinct from
        cast(order_and_answer_days.net_revenue_usd as decimal(18, 2))
),

-- per recomputed person, the first changed day (null when a reason reaches any day)
persons_changed_from as (
    select
        person_key,
        case when count(*) = count(changed_from_date) then min(changed_from_date) end as changed_from_date
    from changes
    group by person_key
),
{% endif %}

event_days as (
    select
        customer_persons.person_key,
        events.event_date as activity_date,
        {{ event_day_counts() }}
    from events
    inner join customer_persons on events.stitched_customer_id = customer_persons.customer_id
    {% if is_incremental() -%}
        -- of a recomputed person, the days from its first changed day (every day when that is
        -- unknown); the earlier days of a person left with no signal since are counted below
        inner join persons_changed_from on customer_persons.person_key = persons_changed_from.person_key
        where
            persons_changed_from.changed_from_date is null
            or events.event_date >= persons_changed_from.changed_from_date
    {%- endif %}
    group by customer_persons.person_key, events.event_date
),

event_signal_days as (
    {{ event_signal_rows('event_days') }}
),

signal_days as (
    select * from event_signal_days
    union all
    select * from order_days
    union all
    select * from detractor_days
),

{% if is_incremental() %}
-- the recomputed persons with a signal on or after their first changed day
persons_with_signals_since_change as (
    select persons_changed_from.person_key
    from persons_changed_from
    inner join signal_days
        on
            persons_changed_from.person_key = signal_days.person_key
            and signal_days.activity_date >= persons_changed_from.changed_from_date
    group by persons_changed_from.person_key
),

-- the days each recomputed person's rows are replaced from: its first changed day, or every day
-- when that is unknown or when the person has no signal left from that day on
persons_to_recompute as (
    select
        persons_changed_from.person_key,
        case
            when persons_with_signals_since_change.person_key is not null
                then persons_changed_from.changed_from_date
        end as recompute_from_date
    from persons_changed_from
    left join persons_with_signals_since_change
        on persons_changed_from.person_key = persons_with_signals_since_change.person_key
),

-- the event days before the first changed day of the persons recomputed on every day for want
-- of a signal since (event_days holds their later days)
event_days_before_change as (
    select
        customer_persons.person_key,
        events.event_date as activity_date,
        {{ event_day_counts() }}
    from events_before_change as events
    inner join customer_persons on events.stitched_customer_id = customer_persons.customer_id
    inner join persons_changed_from on customer_persons.person_key = persons_changed_from.person_key
    inner join persons_to_recompute on customer_persons.person_key = persons_to_recompute.person_key
    where
        persons_to_recompute.recompute_from_date is null
        and events.event_date < persons_changed_from.changed_from_date
    group by customer_persons.person_key, events.event_date
),

event_signal_days_before_change as (
    {{ event_signal_rows('event_days_before_change') }}
),

{% endif %}

signal_days_recomputed as (
    select * from signal_days
    {% if is_incremental() -%}
        union all
        select * from event_signal_days_before_change
    {%- endif %}
),

final as (
    select
        signal_days_recomputed.person_key,
        signal_days_recomputed.activity_date,
        signal_days_recomputed.signal_name,
        cast(signal_days_recomputed.signal_count as {{ dbt.type_bigint() }}) as signal_count,
        cast(signal_days_recomputed.net_revenue_usd as decimal(18, 2)) as net_revenue_usd,
        customer_ids_fingerprints.customer_ids_fingerprint,
        {{ run_started_at_utc() }} as loaded_at
    from signal_days_recomputed
    left join customer_ids_fingerprints on signal_days_recomputed.person_key = customer_ids_fingerprints.person_key
    {% if is_incremental() -%}
        inner join persons_to_recompute
            on
                signal_days_recomputed.person_key = persons_to_recompute.person_key
                and (
                    persons_to_recompute.recompute_from_date is null
                    or signal_days_recomputed.activity_date >= persons_to_recompute.recompute_from_date
                )
    {%- endif %}
)

{% if is_incremental() %}
    , placeholders as (
        -- one per stored day replaced (deleted by the post-hook)
        select distinct
            stored.person_key,
            stored.activity_date,
            cast(null as {{ dbt.type_string() }}) as signal_name,
            cast(null as {{ dbt.type_bigint() }}) as signal_count,
            cast(null as decimal(18, 2)) as net_revenue_usd,
            cast(null as {{ dbt.type_string() }}) as customer_ids_fingerprint,
            {{ run_started_at_utc() }} as loaded_at
        from {{ this }} as stored
        inner join persons_to_recompute
            on
                stored.person_key = persons_to_recompute.person_key
                and (
                    persons_to_recompute.recompute_from_date is null
                    or stored.activity_date >= persons_to_recompute.recompute_from_date
                )
    )

    select * from final
    union all
    select * from placeholders
{% else %}
    select * from final
{% endif %}
