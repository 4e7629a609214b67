-- One row per person, local day and signal with a count above zero: the daily inputs of the
-- dynamic cohorts' rules (doc block cohort_rules). The engagement signals are counted as
-- int_persons_engagement_by_month counts them (macro event_signal_count), on the event's local
-- date; confirmed_orders on the order's local date (with their net revenue), detractor_answers
-- on the answer's local date.
--
-- Incremental by affected person (doc block engagement_incremental): a run recomputes every day of
-- the persons with an event loaded since its last run, of the persons no customer id resolves to
-- any more, and of the persons whose stored confirmed_orders or detractor_answers rows differ from
-- their orders and answers now; rows are replaced by person_key. A recomputed person gets one
-- placeholder row (activity_date null), so that a person left with no signal still replaces its
-- old rows; the post-hook deletes the placeholders.
-- depends_on: {{ ref('stg_shop__event_loads') }}
{{ config(
    materialized=keyed_incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='person_key',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}{% set condition %}activity_date is null{% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}
{%- set event_signals = cohort_signals() | reject('in', ['sessions', 'active_days']) | list %}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
    where stitched_customer_id is not null
),

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
stored as (
    select * from {{ this }}
),

stored_order_and_answer_days as (
    select
        person_key,
        activity_date,
        signal_name,
        signal_count,
        net_revenue_usd
    from stored
    where signal_name in ('confirmed_orders', 'detractor_answers')
),

order_and_answer_days as (
    select * from order_days
    union all
    select * from detractor_days
),

persons_to_recompute as (
    {{ persons_with_changed_events('stored', 'customer_ids_fingerprints', 'customer_persons') }}
    union
    -- a day of confirmed orders or detractor answers that is new, gone or counts otherwise
    select coalesce(stored_order_and_answer_days.person_key, order_and_answer_days.person_key)
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
{% endif %}

event_days as (
    select
        customer_persons.person_key,
        events.event_date as activity_date,
        sum(case when events.is_session_start then 1 else 0 end) as sessions,
        1 as active_days,
        {%- for signal in event_signals %}
            {{ event_signal_count(signal) }} as {{ signal }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from events
    inner join customer_persons on events.stitched_customer_id = customer_persons.customer_id
    {% if is_incremental() -%}
        where customer_persons.person_key in (select persons_to_recompute.person_key from persons_to_recompute)
    {%- endif %}
    group by customer_persons.person_key, events.event_date
),

event_signal_days as (
    {%- for signal in cohort_signals() %}
        select
            person_key,
            activity_date,
            '{{ signal }}' as signal_name,
            {{ signal }} as signal_count,
            cast(null as decimal(18, 2)) as net_revenue_usd
        from event_days
        where {{ signal }} > 0
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        signal_days.person_key,
        signal_days.activity_date,
        signal_days.signal_name,
        cast(signal_days.signal_count as {{ dbt.type_bigint() }}) as signal_count,
        cast(signal_days.net_revenue_usd as decimal(18, 2)) as net_revenue_usd,
        customer_ids_fingerprints.customer_ids_fingerprint,
        {{ run_started_at_utc() }} as loaded_at
    from (
        select * from event_signal_days
        union all
        select * from order_days
        union all
        select * from detractor_days
    ) as signal_days
    left join customer_ids_fingerprints on signal_days.person_key = customer_ids_fingerprints.person_key
    {% if is_incremental() -%}
        where signal_days.person_key in (select persons_to_recompute.person_key from persons_to_recompute)
    {%- endif %}
)

{% if is_incremental() %}
    , placeholders as (
        -- one per recomputed person (deleted by the post-hook)
        select
            person_key,
            cast(null as date) as activity_date,
            cast(null as {{ dbt.type_string() }}) as signal_name,
            cast(null as {{ dbt.type_bigint() }}) as signal_count,
            cast(null as decimal(18, 2)) as net_revenue_usd,
            cast(null as {{ dbt.type_string() }}) as customer_ids_fingerprint,
            {{ run_started_at_utc() }} as loaded_at
        from persons_to_recompute
    )

    select * from final
    union all
    select * from placeholders
{% else %}
    select * from final
{% endif %}
