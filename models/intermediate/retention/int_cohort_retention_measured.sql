-- Cohort retention, long form: one row per segment, cohort grain, cohort and period since the
-- cohort's start. Periods run from 0 to the period that contains the last day of data; that last
-- one is flagged is_partial_period (not a drop: the period is not over). See the doc blocks for
-- each measure's definition. The mart cohort_retention and the retention projection
-- (int_cohort_retention_projected) read it.
--
-- Incremental (doc block cohort_retention_incremental): a run recomputes every row of the cohorts
-- (segment, grain, cohort start) whose fingerprint differs from the stored one (a person joined,
-- left, or changed their first order, orders' rolling windows or activity in the grid's periods),
-- and of the other cohorts only the rows that the move of the data end changes: the partial
-- period that completed, rolling windows that completed (counted from the persons whose last
-- complete window moved) and the new periods. Rows are replaced by their key; a cohort or period
-- that no longer exists gets a placeholder row (cohort_size null) that the post-hook deletes, and
-- the post-hook sets the new data end on the rows the run kept.
{{ config(
    materialized=keyed_incremental_materialization(
        table_on_spark_because='its incremental path (cohorts by fingerprint, the data end\'s rows'
        ~ ' from the stored ones) is not yet tested on Spark'),
    incremental_strategy='delete+insert',
    unique_key=['segment_type', 'segment_value', 'cohort_grain', 'cohort_start', 'period_number'],
    on_schema_change='fail',
    post_hook=[
        "{% if is_incremental() %}{% set condition %}cohort_size is null{% endset %}{{ delete_where(this, condition) }}{% endif %}",
        "{% if is_incremental() %}update {{ this }} set data_end_date = (select data_end_date from {{ ref('int_data_end') }})
            where data_end_date <> (select data_end_date from {{ ref('int_data_end') }}){% endif %}",
    ],
) }}
{%- set grains = var('retention_cohort_grains') %}
{%- set rolling_days = var('retention_rolling_window_days') %}
{%- set cohort_columns = ['segment_type', 'segment_value', 'cohort_grain', 'cohort_start'] %}

with

persons as (
    select * from {{ ref('int_persons_first_orders') }}
),

person_segments as (
    select * from {{ ref('int_persons_segments') }}
),

activity as (
    select * from {{ ref('int_persons_activity_by_period') }}
),

orders as (
    select * from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

calendar_days as (
    select * from {{ ref('stg_reference__calendar_days') }}
),

-- Each (segment_type, segment_value) numbered once: the grid below is keyed and windowed by this
-- integer, not by two strings (DECISIONS.md, issue 22), and the names are joined back at the end.
numbered_segments as (
    select
        person_key,
        segment_type,
        segment_value,
        dense_rank() over (order by segment_type, segment_value) as segment_id
    from person_segments
),

segment_names as (
    select distinct
        segment_id,
        segment_type,
        segment_value
    from numbered_segments
),

period_starts as (
    -- every period of each grain up to the one that holds the last day of data
    {% for grain in grains -%}
        select distinct
            '{{ grain }}' as cohort_grain,
            calendar_days.{{ grain }}_start as period_start,
            cast({{ dbt.dateadd(
                'day',
                -1,
                dbt.dateadd(grain, 1, 'calendar_days.' ~ grain ~ '_start')
            ) }} as date) as period_end
        from calendar_days
        cross join data_end
        where calendar_days.date_day <= data_end.data_end_date
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

last_period_starts as (
    select
        cohort_grain,
        max(period_start) as last_period_start
    from period_starts
    group by cohort_grain
),

person_cohorts as (
    {% for grain in grains -%}
        select
            persons.person_key,
            persons.first_order_date,
            '{{ grain }}' as cohort_grain,
            cast({{ dbt.date_trunc(grain, 'persons.first_order_date') }} as date) as cohort_start,
            -- the last period whose rolling window (days since the first order) is complete
            cast(floor(
                cast({{ dbt.datediff(
                    'persons.first_order_date',
                    'data_end.data_end_date',
                    'day'
                ) }} as double)
                / {{ rolling_days[grain] }}
            ) as {{ dbt.type_int() }}) as last_complete_rolling_period,
            -- the period that holds the last day of data: the cohort's last row
            cast({{ dbt.datediff(
                dbt.date_trunc(grain, 'persons.first_order_date'),
                'last_period_starts.last_period_start',
                grain
            ) }} as {{ dbt.type_int() }}) as last_period_number
        from persons
        cross join data_end
        inner join last_period_starts on last_period_starts.cohort_grain = '{{ grain }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rolling_orders as (
    -- rolling period of each confirmed order: 0 for the first order's day, then windows of
    -- retention_rolling_window_days[grain] days (period 1 = days 1 to 30 for months)
    {% for grain in grains -%}
        select distinct
            orders.person_key,
            '{{ grain }}' as cohort_grain,
            case
                when orders.order_date = persons.first_order_date then 0
                else cast(floor(
                    cast({{ dbt.datediff(
                        'persons.first_order_date',
                        'orders.order_date',
                        'day'
                    ) }} - 1 as double)
                    / {{ rolling_days[grain] }}
                ) as {{ dbt.type_int() }}) + 1
            end as rolling_period
        from orders
        inner join persons on orders.person_key = persons.person_key
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- The activity the grid shows: periods up to the one that holds the last day of data (an event
-- may fall later; it counts once the data end reaches its period).
grid_activity as (
    select activity.*
    from activity
    inner join person_cohorts
        on
            activity.person_key = person_cohorts.person_key
            and activity.cohort_grain = person_cohorts.cohort_grain
    where activity.period_number <= person_cohorts.last_period_number
),

-- Each person once per segment and grain, with their cohort: who each cohort's rows count.
all_memberships as (
    select
        numbered_segments.segment_id,
        person_cohorts.*
    from numbered_segments
    inner join person_cohorts on numbered_segments.person_key = person_cohorts.person_key
),

-- What a cohort's rows read of each person, other than the data end (doc block
-- cohort_fingerprint): their first order's day and the rolling window length, the rolling windows
-- of their orders and their activity in the grid's periods, each a 64-bit hash, combined by
-- bit_xor per person and grain, then per cohort (with the person key in every hash, a person who
-- joins or leaves a cohort changes it too).
person_fingerprint_items as (
    {% for grain in grains -%}
        select
            person_key,
            cohort_grain,
            {{ grouping_hash(
                "'f|' || person_key || '|' || cast(first_order_date as " ~ dbt.type_string() ~ ")"
                ~ " || '|" ~ rolling_days[grain] ~ "'"
            ) }} as item_hash
        from person_cohorts
        where cohort_grain = '{{ grain }}'
        union all
    {% endfor -%}
    select
        person_key,
        cohort_grain,
        {{ grouping_hash(
            "'r|' || person_key || '|' || cast(rolling_period as " ~ dbt.type_string() ~ ")"
        ) }} as item_hash
    from rolling_orders
    union all
    select
        person_key,
        cohort_grain,
        {{ grouping_hash(
            "'a|' || person_key || '|' || cast(period_number as " ~ dbt.type_string() ~ ")"
            ~ " || '|' || cast(orders as " ~ dbt.type_string() ~ ")"
            ~ " || '|' || cast(net_revenue_usd as " ~ dbt.type_string() ~ ")"
            ~ " || '|' || cast(is_active as " ~ dbt.type_string() ~ ")"
            ~ " || '|' || cast(is_engaged as " ~ dbt.type_string() ~ ")"
        ) }} as item_hash
    from grid_activity
),

person_fingerprints as (
    select
        person_key,
        cohort_grain,
        bit_xor(item_hash) as person_fingerprint
    from person_fingerprint_items
    group by person_key, cohort_grain
),

cohort_fingerprints as (
    select
        all_memberships.segment_id,
        all_memberships.cohort_grain,
        all_memberships.cohort_start,
        bit_xor(person_fingerprints.person_fingerprint) as cohort_fingerprint
    from all_memberships
    inner join person_fingerprints
        on
            all_memberships.person_key = person_fingerprints.person_key
            and all_memberships.cohort_grain = person_fingerprints.cohort_grain
    group by
        all_memberships.segment_id,
        all_memberships.cohort_grain,
        all_memberships.cohort_start
),

{% if is_incremental() %}
    -- (the stored table is read where it is needed, each time only the columns and rows needed)
    stored_data_end as (
        select max(data_end_date) as data_end_date
        from {{ this }}
    ),

    current_cohorts as (
        select
            segment_names.segment_type,
            segment_names.segment_value,
            cohort_fingerprints.*
        from cohort_fingerprints
        inner join segment_names on cohort_fingerprints.segment_id = segment_names.segment_id
    ),

    -- each stored cohort once: its last row (the period that held the stored data end), with what
    -- the new periods carry over
    stored_cohorts as (
        select
            {{ cohort_columns | join(',\n            ') }},
            stored.cohort_fingerprint,
            stored.cohort_size,
            stored.period_0_net_revenue_usd,
            stored.cumulative_net_revenue_usd
        from {{ this }} as stored
        -- the grid ends with the period that holds the data end: the only one ending on or after it
        where stored.period_end >= (select stored_data_end.data_end_date from stored_data_end)
    ),

    -- cohorts recomputed in full: another fingerprint (new, gone or changed), or every cohort when
    -- the data end moved back
    recomputed_cohorts as (
        select
            {% for column in cohort_columns -%}
                coalesce(current_cohorts.{{ column }}, stored_cohorts.{{ column }}) as {{ column }},
            {% endfor -%}
            current_cohorts.segment_id
        from current_cohorts
        full outer join stored_cohorts
            on
                {% for column in cohort_columns -%}
                    current_cohorts.{{ column }} = stored_cohorts.{{ column }}
                    {%- if not loop.last %} and {% endif %}
                {% endfor %}
        cross join data_end
        cross join stored_data_end
        where
            current_cohorts.cohort_fingerprint is distinct from stored_cohorts.cohort_fingerprint
            or data_end.data_end_date < stored_data_end.data_end_date
    ),

    memberships as (
        select all_memberships.*
        from all_memberships
        inner join recomputed_cohorts
            on
                all_memberships.segment_id = recomputed_cohorts.segment_id
                and all_memberships.cohort_grain = recomputed_cohorts.cohort_grain
                and all_memberships.cohort_start = recomputed_cohorts.cohort_start
    ),
{% else %}
    memberships as (
        select * from all_memberships
    ),
{% endif %}

cohorts as (
    select
        segment_id,
        cohort_grain,
        cohort_start,
        count(*) as cohort_size
    from memberships
    group by
        segment_id,
        cohort_grain,
        cohort_start
),

periods as (
    -- a cohort's periods are the calendar's from its start on, numbered from 0
    {% for grain in grains -%}
        select
            cohorts.segment_id,
            cohorts.cohort_grain,
            cohorts.cohort_start,
            cohorts.cohort_size,
            -- both are starts of the grain, so the difference counts the calendar's periods
            -- between them (as int_persons_activity_by_period numbers them)
            cast({{ dbt.datediff(
                'cohorts.cohort_start',
                'period_starts.period_start',
                grain
            ) }} as {{ dbt.type_int() }}) as period_number,
            period_starts.period_start,
            period_starts.period_end
        from cohorts
        inner join period_starts
            on
                cohorts.cohort_grain = period_starts.cohort_grain
                and cohorts.cohort_start <= period_starts.period_start
        where cohorts.cohort_grain = '{{ grain }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

period_activity as (
    select
        memberships.segment_id,
        memberships.cohort_grain,
        memberships.cohort_start,
        activity.period_number,
        sum(case when activity.is_active then 1 else 0 end) as active_customers,
        sum(case when activity.is_engaged then 1 else 0 end) as engaged_customers,
        sum(activity.orders) as orders,
        sum(activity.net_revenue_usd) as net_revenue_usd
    from activity
    inner join memberships
        on
            activity.person_key = memberships.person_key
            and activity.cohort_grain = memberships.cohort_grain
    group by
        memberships.segment_id,
        memberships.cohort_grain,
        memberships.cohort_start,
        activity.period_number
),

last_active_periods as (
    -- active in period n or later = last active period >= n
    select
        memberships.segment_id,
        memberships.cohort_grain,
        memberships.cohort_start,
        last_active.last_active_period as period_number,
        count(*) as customers_last_active
    from (
        select
            person_key,
            cohort_grain,
            max(period_number) as last_active_period
        from activity
        where is_active
        group by person_key, cohort_grain
    ) as last_active
    inner join memberships
        on
            last_active.person_key = memberships.person_key
            and last_active.cohort_grain = memberships.cohort_grain
    group by
        memberships.segment_id,
        memberships.cohort_grain,
        memberships.cohort_start,
        last_active.last_active_period
),

rolling_active as (
    select
        memberships.segment_id,
        memberships.cohort_grain,
        memberships.cohort_start,
        rolling_orders.rolling_period as period_number,
        count(*) as rolling_active_customers
    from rolling_orders
    inner join memberships
        on
            rolling_orders.person_key = memberships.person_key
            and rolling_orders.cohort_grain = memberships.cohort_grain
    -- only windows complete in the data, as in the denominator
    where rolling_orders.rolling_period <= memberships.last_complete_rolling_period
    group by
        memberships.segment_id,
        memberships.cohort_grain,
        memberships.cohort_start,
        rolling_orders.rolling_period
),

rolling_eligibility as (
    select
        segment_id,
        cohort_grain,
        cohort_start,
        last_complete_rolling_period as period_number,
        count(*) as customers_last_eligible
    from memberships
    group by
        segment_id,
        cohort_grain,
        cohort_start,
        last_complete_rolling_period
),

measures as (
    -- the per-period counts of each source in one long relation (zeros for the others' columns),
    -- so one join attaches them to the periods
    {%- set measure_sources = [
        ('period_activity', ['active_customers', 'engaged_customers', 'orders', 'net_revenue_usd']),
        ('last_active_periods', ['customers_last_active']),
        ('rolling_active', ['rolling_active_customers']),
        ('rolling_eligibility', ['customers_last_eligible']),
    ] %}
    {%- set all_measures = measure_sources | map(attribute=1) | sum(start=[]) %}
    {%- for source_cte, source_measures in measure_sources %}
        select
            segment_id,
            cohort_grain,
            cohort_start,
            period_number,
            {%- for measure in all_measures %}
                {% if measure in source_measures %}{{ measure }}{% else %}0 as {{ measure }}{% endif %}
                {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ source_cte }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

measures_by_period as (
    select
        segment_id,
        cohort_grain,
        cohort_start,
        period_number,
        sum(active_customers) as active_customers,
        sum(engaged_customers) as engaged_customers,
        sum(orders) as orders,
        sum(net_revenue_usd) as net_revenue_usd,
        sum(customers_last_active) as customers_last_active,
        sum(rolling_active_customers) as rolling_active_customers,
        sum(customers_last_eligible) as customers_last_eligible
    from measures
    group by segment_id, cohort_grain, cohort_start, period_number
),

joined as (
    select
        periods.*,
        coalesce(measures_by_period.active_customers, 0) as active_customers,
        coalesce(measures_by_period.engaged_customers, 0) as engaged_customers,
        coalesce(measures_by_period.orders, 0) as orders,
        cast(coalesce(measures_by_period.net_revenue_usd, 0) as decimal(18, 2)) as net_revenue_usd,
        coalesce(measures_by_period.customers_last_active, 0) as customers_last_active,
        coalesce(measures_by_period.rolling_active_customers, 0) as rolling_active_customers,
        coalesce(measures_by_period.customers_last_eligible, 0) as customers_last_eligible
    from periods
    left join measures_by_period
        on
            periods.segment_id = measures_by_period.segment_id
            and periods.cohort_grain = measures_by_period.cohort_grain
            and periods.cohort_start = measures_by_period.cohort_start
            and periods.period_number = measures_by_period.period_number
),

cumulated as (
    -- every running sum in one ordering of each cohort's periods, so that one sort serves them all
    select
        segment_id,
        cohort_grain,
        cohort_start,
        period_number,
        period_start,
        period_end,
        cohort_size,
        active_customers,
        engaged_customers,
        orders,
        net_revenue_usd,
        rolling_active_customers,
        -- people whose last active period is n or later: the cohort's total minus those whose
        -- last active period came before n
        sum(customers_last_active) over (
            partition by segment_id, cohort_grain, cohort_start
        ) - sum(customers_last_active) over (
            partition by segment_id, cohort_grain, cohort_start
            order by period_number asc rows between unbounded preceding and current row
        ) + customers_last_active as unbounded_active_customers,
        -- people whose last complete rolling period is n or later
        cohort_size - sum(customers_last_eligible) over (
            partition by segment_id, cohort_grain, cohort_start
            order by period_number asc rows between unbounded preceding and current row
        ) + customers_last_eligible as rolling_eligible_customers,
        sum(net_revenue_usd) over (
            partition by segment_id, cohort_grain, cohort_start
            order by period_number asc rows between unbounded preceding and current row
        ) as cumulative_net_revenue_usd,
        max(case when period_number = 0 then net_revenue_usd end) over (
            partition by segment_id, cohort_grain, cohort_start
        ) as period_0_net_revenue_usd
    from joined
),

-- the recomputed rows with the cohort's names and fingerprint
recomputed as (
    select
        segment_names.segment_type,
        segment_names.segment_value,
        cumulated.cohort_grain,
        cumulated.cohort_start,
        cumulated.period_number,
        cumulated.period_start,
        cumulated.period_end,
        cumulated.cohort_size,
        cumulated.active_customers,
        cumulated.unbounded_active_customers,
        cumulated.rolling_eligible_customers,
        cumulated.rolling_active_customers,
        cumulated.engaged_customers,
        cumulated.orders,
        cumulated.net_revenue_usd,
        cumulated.period_0_net_revenue_usd,
        cumulated.cumulative_net_revenue_usd,
        cohort_fingerprints.cohort_fingerprint
    from cumulated
    inner join segment_names on cumulated.segment_id = segment_names.segment_id
    inner join cohort_fingerprints
        on
            cumulated.segment_id = cohort_fingerprints.segment_id
            and cumulated.cohort_grain = cohort_fingerprints.cohort_grain
            and cumulated.cohort_start = cohort_fingerprints.cohort_start
),


{% if is_incremental() %}
    -- The other cohorts (kept): their persons, and those persons' first orders, orders' rolling
    -- windows and activity in the grid's periods, are the stored rows', so only a data end that
    -- moved forward changes them (recomputed_cohorts takes every cohort when it moved back).
    kept_cohorts as (
        select
            segment_names.segment_id,
            stored_cohorts.*
        from stored_cohorts
        inner join segment_names
            on
                stored_cohorts.segment_type = segment_names.segment_type
                and stored_cohorts.segment_value = segment_names.segment_value
        cross join data_end
        cross join stored_data_end
        where
            data_end.data_end_date > stored_data_end.data_end_date
            and not exists (
                select 1
                from recomputed_cohorts
                where
                    {% for column in cohort_columns -%}
                        recomputed_cohorts.{{ column }} = stored_cohorts.{{ column }}
                        {%- if not loop.last %} and {% endif %}
                    {% endfor %}
            )
    ),

    -- The rolling windows whose rows gain a person: n with after < n <= through. A row of the
    -- stored periods gains the persons whose window n completed since the stored data end; a new
    -- period's row counts every person whose window n is complete (for months a person's
    -- windows of 30 days can run ahead of the calendar months).
    person_window_gains as (
        {% for grain in grains -%}
            select
                person_cohorts.person_key,
                person_cohorts.cohort_grain,
                least(
                    cast(floor(
                        cast({{ dbt.datediff(
                            'person_cohorts.first_order_date',
                            'stored_data_end.data_end_date',
                            'day'
                        ) }} as double)
                        / {{ rolling_days[grain] }}
                    ) as {{ dbt.type_int() }}),
                    cast({{ dbt.datediff(
                        'person_cohorts.cohort_start',
                        dbt.date_trunc(grain, 'stored_data_end.data_end_date'),
                        grain
                    ) }} as {{ dbt.type_int() }})
                ) as gained_after,
                least(
                    person_cohorts.last_complete_rolling_period,
                    person_cohorts.last_period_number
                ) as gained_through
            from person_cohorts
            cross join stored_data_end
            where person_cohorts.cohort_grain = '{{ grain }}'
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    window_offsets as (
        -- 1, 2, ... up to the most windows a person gained (one, after a daily run)
        select distinct
            row_number() over (partition by cohort_grain order by period_start) as window_offset
        from period_starts
    ),

    window_gains as (
        select
            kept_cohorts.segment_type,
            kept_cohorts.segment_value,
            kept_cohorts.cohort_grain,
            kept_cohorts.cohort_start,
            gains.gained_after + window_offsets.window_offset as period_number,
            count(*) as gained_eligible_customers,
            count(rolling_orders.person_key) as gained_active_customers
        from person_window_gains as gains
        inner join window_offsets
            on window_offsets.window_offset <= gains.gained_through - gains.gained_after
        inner join all_memberships
            on
                gains.person_key = all_memberships.person_key
                and gains.cohort_grain = all_memberships.cohort_grain
        inner join kept_cohorts
            on
                all_memberships.segment_id = kept_cohorts.segment_id
                and all_memberships.cohort_grain = kept_cohorts.cohort_grain
                and all_memberships.cohort_start = kept_cohorts.cohort_start
        left join rolling_orders
            on
                gains.person_key = rolling_orders.person_key
                and gains.cohort_grain = rolling_orders.cohort_grain
                and gains.gained_after + window_offsets.window_offset = rolling_orders.rolling_period
        where gains.gained_through > gains.gained_after
        group by
            kept_cohorts.segment_type,
            kept_cohorts.segment_value,
            kept_cohorts.cohort_grain,
            kept_cohorts.cohort_start,
            gains.gained_after + window_offsets.window_offset
    ),

    -- a kept cohort's rows that change: the stored partial period once complete, rows that gain
    -- rolling windows, and the new periods (no order or activity yet: either would have changed
    -- the cohort's fingerprint; the sums carried over from the last stored period)
    kept_rows as (
        select
            {% for column in cohort_columns -%}
                stored.{{ column }},
            {% endfor -%}
            stored.period_number,
            stored.period_start,
            stored.period_end,
            stored.cohort_size,
            stored.active_customers,
            stored.unbounded_active_customers,
            stored.rolling_eligible_customers,
            stored.rolling_active_customers,
            stored.engaged_customers,
            stored.orders,
            stored.net_revenue_usd,
            stored.period_0_net_revenue_usd,
            stored.cumulative_net_revenue_usd,
            stored.cohort_fingerprint
        from {{ this }} as stored
        left join window_gains
            on
                {% for column in cohort_columns + ['period_number'] -%}
                    stored.{{ column }} = window_gains.{{ column }}
                    {%- if not loop.last %} and {% endif %}
                {% endfor %}
        inner join kept_cohorts
            on
                {% for column in cohort_columns -%}
                    stored.{{ column }} = kept_cohorts.{{ column }}
                    {%- if not loop.last %} and {% endif %}
                {% endfor %}
        where
            stored.period_end <= (select data_end.data_end_date from data_end)
            and stored.is_partial_period
            or window_gains.period_number is not null
        {% for grain in grains %}
            union all
            select
                {% for column in cohort_columns -%}
                    kept_cohorts.{{ column }},
                {% endfor -%}
                cast({{ dbt.datediff(
                    'kept_cohorts.cohort_start',
                    'period_starts.period_start',
                    grain
                ) }} as {{ dbt.type_int() }}) as period_number,
                period_starts.period_start,
                period_starts.period_end,
                kept_cohorts.cohort_size,
                0 as active_customers,
                0 as unbounded_active_customers,
                0 as rolling_eligible_customers,
                0 as rolling_active_customers,
                0 as engaged_customers,
                0 as orders,
                cast(0 as decimal(18, 2)) as net_revenue_usd,
                kept_cohorts.period_0_net_revenue_usd,
                kept_cohorts.cumulative_net_revenue_usd,
                kept_cohorts.cohort_fingerprint
            from kept_cohorts
            cross join stored_data_end
            inner join period_starts
                on
                    kept_cohorts.cohort_grain = period_starts.cohort_grain
                    and period_starts.period_start
                    > {{ dbt.date_trunc(grain, 'stored_data_end.data_end_date') }}
            where kept_cohorts.cohort_grain = '{{ grain }}'
        {% endfor %}
    ),

    changed_kept_rows as (
        select
            {% for column in cohort_columns -%}
                kept_rows.{{ column }},
            {% endfor -%}
            kept_rows.period_number,
            kept_rows.period_start,
            kept_rows.period_end,
            kept_rows.cohort_size,
            kept_rows.active_customers,
            kept_rows.unbounded_active_customers,
            kept_rows.rolling_eligible_customers
            + coalesce(window_gains.gained_eligible_customers, 0) as rolling_eligible_customers,
            kept_rows.rolling_active_customers
            + coalesce(window_gains.gained_active_customers, 0) as rolling_active_customers,
            kept_rows.engaged_customers,
            kept_rows.orders,
            kept_rows.net_revenue_usd,
            kept_rows.period_0_net_revenue_usd,
            kept_rows.cumulative_net_revenue_usd,
            kept_rows.cohort_fingerprint
        from kept_rows
        left join window_gains
            on
                {% for column in cohort_columns + ['period_number'] -%}
                    kept_rows.{{ column }} = window_gains.{{ column }}
                    {%- if not loop.last %} and {% endif %}
                {% endfor %}
    ),

    -- stored rows of recomputed cohorts that no longer exist (a cohort that lost every person,
    -- periods after a data end that moved back): placeholders, deleted by the post-hook
    vanished_rows as (
        select
            {% for column in cohort_columns -%}
                stored.{{ column }},
            {% endfor -%}
            stored.period_number
        from {{ this }} as stored
        inner join recomputed_cohorts
            on
                {% for column in cohort_columns -%}
                    stored.{{ column }} = recomputed_cohorts.{{ column }}
                    {%- if not loop.last %} and {% endif %}
                {% endfor %}
        inner join last_period_starts on stored.cohort_grain = last_period_starts.cohort_grain
        where
            recomputed_cohorts.segment_id is null
            or stored.period_start > last_period_starts.last_period_start
    ),
{% endif %}

grid_rows as (
    select * from recomputed
    {% if is_incremental() %}
        union all
        select * from changed_kept_rows
        union all
        select
            {% for column in cohort_columns -%}
                {{ column }},
            {% endfor -%}
            period_number,
            null as period_start,
            null as period_end,
            null as cohort_size,
            {% for column in [
                'active_customers', 'unbounded_active_customers', 'rolling_eligible_customers',
                'rolling_active_customers', 'engaged_customers', 'orders', 'net_revenue_usd',
                'period_0_net_revenue_usd', 'cumulative_net_revenue_usd', 'cohort_fingerprint'] -%}
                null as {{ column }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from vanished_rows
    {% endif %}
),

final as (
    select
        grid_rows.segment_type,
        grid_rows.segment_value,
        grid_rows.cohort_grain,
        grid_rows.cohort_start,
        grid_rows.period_number,
        grid_rows.period_start,
        grid_rows.period_end,
        grid_rows.period_end > data_end.data_end_date as is_partial_period,
        cast(grid_rows.cohort_size as {{ dbt.type_bigint() }}) as cohort_size,
        {{ retention_rates('grid_rows.cohort_size') }},
        cast(grid_rows.orders as {{ dbt.type_bigint() }}) as orders,
        grid_rows.net_revenue_usd,
        grid_rows.period_0_net_revenue_usd,
        cast(grid_rows.net_revenue_usd as double)
        / nullif(grid_rows.period_0_net_revenue_usd, 0) as revenue_retention_rate,
        cast(grid_rows.cumulative_net_revenue_usd as decimal(18, 2)) as cumulative_net_revenue_usd,
        {{ average_to_the_cent('grid_rows.cumulative_net_revenue_usd', 'grid_rows.cohort_size') }}
            as cumulative_net_revenue_usd_per_customer,
        grid_rows.cohort_fingerprint,
        data_end.data_end_date,
        {{ run_started_at_utc() }} as loaded_at
    from grid_rows
    cross join data_end
)

select * from final
