{#- What int_persons_engagement_by_month and int_persons_signals_by_day share of their incremental
    runs (doc block engagement_incremental). -#}

{#- The fingerprint of the customer ids a person resolves to (their number, smallest and largest),
    stored on every row so that a later run sees the person gained or lost an id (an erasure, a
    customer re-matched): one row per person of `customer_persons`. -#}
{% macro customer_ids_fingerprints(customer_persons) -%}
    select
        person_key,
        {{ dbt.hash(dbt.concat([
            'cast(count(*) as ' ~ dbt.type_string() ~ ')', "'|'", 'min(customer_id)', "'|'", 'max(customer_id)'
        ])) }} as customer_ids_fingerprint
    from {{ customer_persons }}
    group by person_key
{%- endmacro %}

{#- The persons whose rows an incremental run recomputes for what the events and the person
    resolution say: `stored` is the model's table, `fingerprints` the CTE of
    customer_ids_fingerprints, `customer_persons` int_customers_resolved_to_persons. -#}
{% macro persons_with_changed_events(stored, fingerprints, customer_persons) -%}
    -- an event loaded since the last run: new, late, re-delivered, re-dated or re-stitched (the
    -- sessionization reloads every event of a visitor from before its earliest change on)
    select distinct {{ customer_persons }}.person_key
    from {{ ref('int_events_sessionized') }} as loaded_events
    inner join {{ customer_persons }} on loaded_events.stitched_customer_id = {{ customer_persons }}.customer_id
    where
        loaded_events.loaded_at > (
            select coalesce(max({{ stored }}.loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
            from {{ stored }}
        )
    union
    -- a person that lost or gained a customer id, or that no id resolves to any more
    select {{ stored }}.person_key
    from {{ stored }}
    left join {{ fingerprints }} on {{ stored }}.person_key = {{ fingerprints }}.person_key
    where {{ stored }}.customer_ids_fingerprint is distinct from {{ fingerprints }}.customer_ids_fingerprint
    union
    -- a person without rows so far (new, or given an id by an erasure or a re-match: a person
    -- without events gives no row, so costs a lookup only)
    select {{ fingerprints }}.person_key
    from {{ fingerprints }}
    where {{ fingerprints }}.person_key not in (select distinct {{ stored }}.person_key from {{ stored }})
{%- endmacro %}
