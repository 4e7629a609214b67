-- One row per person and month with any engagement signal: the signals, loyalty points, and the
-- engagement score and tier by the weights of the person's home country (int_persons; the
-- engagement_score_weights seed, default row otherwise). A month without any signal has no row: the person is dormant.
--
-- Incremental by affected person (doc block engagement_incremental): a run recomputes every month
-- of the persons with an event loaded since its last run, of the persons no customer id resolves
-- to any more, and of the persons whose stored row no longer matches their home country, the
-- weights or their redeemed points; rows are replaced by person_key. A recomputed person gets one
-- placeholder row (month_start null), so that a person left with no month still replaces its old
-- rows; the post-hook deletes the placeholders.
-- depends_on: {{ ref('stg_shop__event_loads') }}
{{ config(
    materialized=keyed_incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key='person_key',
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}{% set condition %}month_start is null{% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}
{%- set signals = engagement_score_signals() %}
{#- the signals counted from event types; sessions and active_days are counted apart -#}
{%- set event_signals = signals | reject('in', ['sessions', 'active_days']) | list %}

{#- The engagement score of a row of signal counts ({row}) by its country's weights, default row
    otherwise: written once, applied to the recomputed months and, in an incremental run, to the
    stored rows to find those the weights or the home country now score otherwise. -#}
{%- set score_terms = [] %}
{%- for signal in signals %}
    {%- do score_terms.append(
        '{row}.' ~ signal ~ ' * coalesce(country_weights.' ~ signal ~ ', default_weights.' ~ signal ~ ')'
    ) %}
{%- endfor %}
{%- set engagement_score = '(' ~ score_terms | join(' + ') ~ ')' %}
{%- set engagement_tier -%}
    case
        when {score} >= coalesce(country_weights.high_tier_min_score, default_weights.high_tier_min_score) then 'high'
        when {score} >= coalesce(country_weights.medium_tier_min_score, default_weights.medium_tier_min_score)
            then 'medium'
        when {score} >= coalesce(country_weights.low_tier_min_score, default_weights.low_tier_min_score) then 'low'
        else 'dormant'
    end
{%- endset %}

with

events as (
    select * from {{ ref('int_events_sessionized') }}
    where stitched_customer_id is not null
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

person_countries as (
    select * from {{ ref('int_persons') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

weights as (
    select * from {{ ref('engagement_score_weights') }}
),

default_weights as (
    select * from weights
    where country_code = 'default'
),

points_redeemed as (
    select
        person_key,
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as month_start,
        sum(loyalty_points_redeemed) as loyalty_points_redeemed
    from orders
    group by person_key, cast({{ dbt.date_trunc('month', 'order_date') }} as date)
),

customer_ids_fingerprints as (
    {{ customer_ids_fingerprints('persons') }}
),

{% if is_incremental() %}
stored as (
    select * from {{ this }}
),

persons_to_recompute as (
    {{ persons_with_changed_events('stored', 'customer_ids_fingerprints', 'persons') }}
    union
    -- a stored month scored by another home country or other weights, or whose confirmed orders
    -- redeem other points now
    select stored.person_key
    from stored
    left join person_countries on stored.person_key = person_countries.person_key
    left join weights as country_weights on person_countries.country_code = country_weights.country_code
    cross join default_weights
    left join points_redeemed
        on
            stored.person_key = points_redeemed.person_key
            and stored.month_start = points_redeemed.month_start
    where
        stored.country_code is distinct from person_countries.country_code
        or stored.engagement_score != cast({{ engagement_score.format(row='stored') }} as double)
        or stored.engagement_tier != {{ engagement_tier.format(score=engagement_score.format(row='stored')) }}
        or stored.loyalty_points_redeemed != coalesce(points_redeemed.loyalty_points_redeemed, 0)
),
{% endif %}

signals as (
    select
        persons.person_key,
        cast({{ dbt.date_trunc('month', 'events.event_date') }} as date) as month_start,
        sum(case when events.is_session_start then 1 else 0 end) as sessions,
        count(distinct events.event_date) as active_days,
        {%- for signal in event_signals %}
            {{ event_signal_count(signal) }} as {{ signal }},
        {%- endfor %}
        coalesce(sum(events.loyalty_points), 0) as loyalty_points_earned
    from events
    inner join persons on events.stitched_customer_id = persons.customer_id
    {% if is_incremental() -%}
        where persons.person_key in (select persons_to_recompute.person_key from persons_to_recompute)
    {%- endif %}
    group by persons.person_key, cast({{ dbt.date_trunc('month', 'events.event_date') }} as date)
),

scored as (
    select
        signals.*,
        person_countries.country_code,
        coalesce(points_redeemed.loyalty_points_redeemed, 0) as loyalty_points_redeemed,
        {{ engagement_score.format(row='signals') }} as engagement_score,
        {{ engagement_tier.format(score=engagement_score.format(row='signals')) }} as engagement_tier
    from signals
    left join person_countries on signals.person_key = person_countries.person_key
    left join weights as country_weights on person_countries.country_code = country_weights.country_code
    cross join default_weights
    left join points_redeemed
        on
            signals.person_key = points_redeemed.person_key
            and signals.month_start = points_redeemed.month_start
),

final as (
    select
        scored.person_key,
        scored.month_start,
        scored.country_code,
        {% for signal in signals -%}
            cast(scored.{{ signal }} as {{ dbt.type_bigint() }}) as {{ signal }},
        {% endfor -%}
        cast(scored.loyalty_points_earned as {{ dbt.type_bigint() }}) as loyalty_points_earned,
        cast(scored.loyalty_points_redeemed as {{ dbt.type_bigint() }}) as loyalty_points_redeemed,
        cast(scored.engagement_score as double) as engagement_score,
        scored.engagement_tier,
        customer_ids_fingerprints.customer_ids_fingerprint,
        {{ run_started_at_utc() }} as loaded_at
    from scored
    left join customer_ids_fingerprints on scored.person_key = customer_ids_fingerprints.person_key
    {% if is_incremental() %}
        union all
        -- one placeholder per recomputed person (deleted by the post-hook)
        select
            person_key,
            cast(null as date) as month_start,
            cast(null as {{ dbt.type_string() }}) as country_code,
            {% for signal in signals -%}
                cast(null as {{ dbt.type_bigint() }}) as {{ signal }},
            {% endfor -%}
            cast(null as {{ dbt.type_bigint() }}) as loyalty_points_earned,
            cast(null as {{ dbt.type_bigint() }}) as loyalty_points_redeemed,
            cast(null as double) as engagement_score,
            cast(null as {{ dbt.type_string() }}) as engagement_tier,
            cast(null as {{ dbt.type_string() }}) as customer_ids_fingerprint,
            {{ run_started_at_utc() }} as loaded_at
        from persons_to_recompute
    {% endif %}
)

select * from final
