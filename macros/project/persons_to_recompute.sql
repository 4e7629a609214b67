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

{#- The persons whose events were loaded since `watermark` (a SQL expression of a timestamp: the
    calling model's own latest loaded_at), doc block events_loaded_since: the one definition of
    "whose events changed since my last run" for the incremental person models. `customer_persons`
    is int_customers_resolved_to_persons. Both load records are read: the raw event rows of a
    customer id loaded into base_shop__events (stg_shop__event_loads: new, late, re-delivered,
    revalidated, erased; clean or rejected now, so an event a re-delivery made invalid still
    names its customer), and the sessionized events loaded into int_events_sessionized (a
    sessionization reloads every event of a visitor from before its earliest change on, so an
    event re-dated or re-stitched to another customer names that customer). A model that calls it
    inside `is_incremental()` declares both parents with a depends_on comment. -#}
{% macro persons_with_events_loaded_since(customer_persons, watermark) -%}
    select loaded_since.person_key
    from ({{ events_loaded_since_by_person(customer_persons, watermark) }}) as loaded_since
{%- endmacro %}

{#- The same loads, each with the first local day whose rows it can change (doc block
    events_loaded_since), one row per load record (person_key, changed_from_date; null: any day).
    A raw row loaded: the UTC date of the earliest timestamp among the rows of its customer id
    loaded then, less a day (no business time zone is more than 12 hours behind UTC); null when one
    of those rows has no timestamp. A sessionized event loaded: its local date less two days
    (another event of the visitor, earlier in time, can be in a zone up to 26 hours ahead); null
    when it is in the visitor's first session, i.e. the visitor was sessionized from its start,
    since only then can it have lost events earlier than every event reloaded (with a restart
    point, the restart session's first event is reloaded and precedes every gained, lost or
    re-dated event of the visitor). -#}
{% macro events_loaded_since_by_person(customer_persons, watermark) -%}
    select
        {{ customer_persons }}.person_key,
        case
            when event_loads.rows_without_event_ts = 0
                then cast({{ dbt.dateadd('day', -1, 'event_loads.first_event_ts') }} as date)
        end as changed_from_date
    from {{ ref('stg_shop__event_loads') }} as event_loads
    inner join {{ customer_persons }} on event_loads.customer_id = {{ customer_persons }}.customer_id
    where event_loads.loaded_at > {{ watermark }}
    union all
    select
        {{ customer_persons }}.person_key,
        case
            when loaded_events.session_number > 1
                then cast({{ dbt.dateadd('day', -2, 'loaded_events.event_date') }} as date)
        end as changed_from_date
    from {{ ref('int_events_sessionized') }} as loaded_events
    inner join {{ customer_persons }} on loaded_events.stitched_customer_id = {{ customer_persons }}.customer_id
    where loaded_events.loaded_at > {{ watermark }}
{%- endmacro %}

{#- The persons whose rows an incremental run recomputes for what the events and the person
    resolution say: `stored` is the model's table (one or more rows per person, with loaded_at
    and customer_ids_fingerprint), `fingerprints` the CTE of customer_ids_fingerprints,
    `customer_persons` int_customers_resolved_to_persons. Each model adds the comparisons of its
    own cheap inputs. -#}
{% macro persons_with_changed_events(stored, fingerprints, customer_persons) -%}
    select changed.person_key
    from ({{ changed_persons_with_first_day(stored, fingerprints, customer_persons) }}) as changed
{%- endmacro %}

{#- The same persons, each with the first day whose rows can have changed, one row per reason
    (person_key, changed_from_date; null: any day): events loaded since the model's latest loaded_at
    (macros events_loaded_since_by_person, latest_loaded_at, which reads the model's own table); a
    changed customer_ids_fingerprint or no rows so far (any day). `stored`: the model's table or a
    CTE of its persons with their fingerprints (only person_key and customer_ids_fingerprint are
    read). -#}
{% macro changed_persons_with_first_day(stored, fingerprints, customer_persons) -%}
    -- an event of theirs loaded since the model's last run (macro events_loaded_since_by_person)
    {{ events_loaded_since_by_person(customer_persons, latest_loaded_at()) }}
    union all
    -- a person that lost, gained or swapped a customer id, whose id moved to another time zone,
    -- or that no id resolves to any more
    select
        {{ stored }}.person_key,
        cast(null as date) as changed_from_date
    from {{ stored }}
    left join {{ fingerprints }} on {{ stored }}.person_key = {{ fingerprints }}.person_key
    where {{ stored }}.customer_ids_fingerprint is distinct from {{ fingerprints }}.customer_ids_fingerprint
    union all
    -- a person without rows so far (new, or given an id by an erasure or a re-match: a person
    -- without events gives no row, so costs a lookup only)
    select
        {{ fingerprints }}.person_key,
        cast(null as date) as changed_from_date
    from {{ fingerprints }}
    where {{ fingerprints }}.person_key not in (select distinct {{ stored }}.person_key from {{ stored }})
{%- endmacro %}
