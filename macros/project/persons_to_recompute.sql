{#- What the incremental person models (int_persons_activity_by_period,
    int_persons_engagement_by_month, int_persons_signals_by_day) share of their incremental runs
    (doc blocks customer_ids_fingerprint, engagement_incremental). -#}

{#- The fingerprint of the customer ids a person resolves to (doc block customer_ids_fingerprint):
    an md5 over every customer id with its business time zone (which places its events on local
    days), stored on every row so that a later run sees the person gained, lost or swapped an id
    (an erasure, a customer re-matched) or an id moved to another time zone: one row per person
    of `customer_persons` (int_customers_resolved_to_persons). -#}
{% macro customer_ids_fingerprints(customer_persons) -%}
    select
        {{ customer_persons }}.person_key,
        {{ dbt.hash(dbt.listagg(
            customer_persons ~ ".customer_id || '|' || coalesce("
                ~ business_timezone('fingerprinted_customers.country_code', 'fingerprinted_countries.timezone')
                ~ ", '')",
            "','",
            "order by " ~ customer_persons ~ ".customer_id"
        )) }} as customer_ids_fingerprint
    from {{ customer_persons }}
    left join {{ ref('stg_shop__customers') }} as fingerprinted_customers
        on {{ customer_persons }}.customer_id = fingerprinted_customers.customer_id
    left join {{ ref('countries') }} as fingerprinted_countries
        on fingerprinted_customers.country_code = fingerprinted_countries.country_code
    group by {{ customer_persons }}.person_key
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
    -- a person that lost, gained or swapped a customer id, whose id moved to another time zone,
    -- or that no id resolves to any more
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
