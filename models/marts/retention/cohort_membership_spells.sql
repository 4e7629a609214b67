-- Membership spells of the dynamic cohorts (doc block cohort_rules): a row per person, cohort and
-- continuous run of local days on which the person met the cohort's rule, from entered_on (the
-- first such day) to exited_on (the first day they no longer did; null: still a member on the
-- data end). A rule's state can only change on a day one of the person's inputs enters or leaves
-- one of its windows, or a month starts: the rules are evaluated on those days only (change
-- days), not on every day, and a state holds until the next change day.
--
-- Incremental (doc block cohort_spells_incremental): a person whose inputs changed since the last
-- run is recomputed from the day after their last input row not reloaded since (every day when
-- none is left); every other person from the cohort's first recomputed day on (recompute_from:
-- the day after the last stored change, earlier for the value rule when rank months were
-- recomputed; every day for a new or edited definition), reading only the inputs that day's
-- windows reach. Rows are replaced by cohort and person: the run writes every spell of
-- the pairs it touches, and one placeholder per pair (entered_on null, deleted by the post-hook)
-- so that a pair left with no spell replaces its old ones.
{{ config(
    materialized=keyed_incremental_materialization(
        table_on_spark_because='its incremental path (changed persons plus the new days, placeholder'
        ~ ' rows deleted by the post-hook) is not yet tested on Spark'),
    incremental_strategy='delete+insert',
    unique_key=['cohort_name', 'person_key'],
    on_schema_change='fail',
    post_hook="{% if is_incremental() %}{% set condition %}entered_on is null{% endset %}{{ delete_where(this, condition) }}{% endif %}",
) }}
{#- the first day a pair (cohort, person) is recomputed from (null: every day): the cohort's, or for a
    changed person the earlier of it and the person's (changed_persons.changed_from); read where
    changed_persons is left joined on the person (changed_persons_join) -#}
{%- set pair_recompute_from = "definitions.recompute_from" if not is_incremental() else
    "case when changed_persons.person_key is null then definitions.recompute_from"
    ~ " when changed_persons.changed_from is not null and definitions.recompute_from is not null"
    ~ " then least(changed_persons.changed_from, definitions.recompute_from) end" %}
{%- set changed_persons_join = "" if not is_incremental() else
    "left join changed_persons on {inputs}.person_key = changed_persons.person_key" %}
{#- the day before a rule's recent window starts, for the day evaluated -#}
{%- set window_start = "cast(" ~ dbt.dateadd('day', '-evaluation_rules.window_days', 'evaluation_rules.evaluation_date')
    ~ " as date)" %}

with

cohort_definitions as (
    select
        *,
        {{ cohort_definition_hash() }} as definition_hash
    from {{ ref('cohort_definitions') }}
),

-- scanned again by each reader (its own signals and columns) rather than stored whole once: at
-- scale 1 the stored copy took 3 GB of memory and more time than the scans it saved
daily_inputs as {{ not_materialized() }} (
    select * from {{ ref('int_persons_signals_by_day') }}
),

value_ranks as (
    select * from {{ ref('int_persons_value_rank_by_month') }}
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

{% if is_incremental() %}
stored as (
    select * from {{ this }}
),

-- the last run: when it loaded, and the last day a stored spell changed (no state changed
-- between it and that run's data end, so the new days start after it)
last_run as (
    select
        coalesce(max(loaded_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) as loaded_at,
        max(coalesce(exited_on, entered_on)) as last_change_date
    from stored
),

-- the persons whose inputs changed: rows int_persons_signals_by_day recomputed since the last
-- run (new, late, re-delivered or re-dated events, new or changed orders and answers, corrected,
-- re-homed or re-matched customers), and persons it holds no more (erased)
loaded_persons as (
    select distinct daily_inputs.person_key
    from daily_inputs
    where daily_inputs.loaded_at > (select last_run.loaded_at from last_run)
),

-- each with the first day whose inputs can have changed (changed_from; null: every day). That
-- model rewrites a recomputed person's every day from the first one a change reaches, so a row
-- of theirs not reloaded since the last run lies before it and is unchanged, as is every day up
-- to the last such row: the person's states up to that day are the stored ones (every rule reads
-- only inputs on or before the day it evaluates)
changed_persons as (
    select
        loaded_persons.person_key,
        cast({{ dbt.dateadd('day', 1, 'max(unchanged_inputs.activity_date)') }} as date) as changed_from
    from loaded_persons
    left join daily_inputs as unchanged_inputs
        on
            loaded_persons.person_key = unchanged_inputs.person_key
            and unchanged_inputs.loaded_at <= (select last_run.loaded_at from last_run)
    group by loaded_persons.person_key
    union
    select distinct
        stored.person_key,
        cast(null as date) as changed_from
    from stored
    where not exists (select 1 from daily_inputs where daily_inputs.person_key = stored.person_key)
),

-- the months int_persons_value_rank_by_month recomputed since the last run: every person's rank
-- can move in them (another person's revenue changed), so the value rule is recomputed from the first
rank_months_recomputed as (
    select min(value_ranks.month_start) as first_month_start
    from value_ranks
    where value_ranks.loaded_at > (select last_run.loaded_at from last_run)
),

stored_definitions as (
    select distinct
        cohort_name,
        definition_hash
    from stored
),

-- a cohort's first recomputed day for the persons whose inputs did not change: the day after the
-- last stored change (not after the data end), var cohort_late_data_days before the data end when
-- set, the first recomputed rank month for the value rule; null (every day) for a definition
-- added or edited since the spells were computed
cohort_recompute_from as (
    select
        cohort_definitions.cohort_name,
        case
            when stored_definitions.cohort_name is not null
                then least(
                    cast({{ dbt.dateadd('day', 1, 'last_run.last_change_date') }} as date),
                    data_end.data_end_date,
                    {%- if var('cohort_late_data_days') is not none %}
                        cast({{ dbt.dateadd('day', 1 - var('cohort_late_data_days'), 'data_end.data_end_date') }} as date),
                    {%- endif %}
                    case
                        when cohort_definitions.rule_kind = 'top_value_no_order'
                            then coalesce(rank_months_recomputed.first_month_start, data_end.data_end_date)
                        else data_end.data_end_date
                    end
                )
        end as recompute_from
    from cohort_definitions
    left join stored_definitions
        on
            cohort_definitions.cohort_name = stored_definitions.cohort_name
            and cohort_definitions.definition_hash = stored_definitions.definition_hash
    cross join last_run
    cross join data_end
    cross join rank_months_recomputed
),
{% endif %}

definitions as (
    select
        cohort_definitions.*,
        {% if is_incremental() -%}
            cohort_recompute_from.recompute_from
        {%- else -%}
            cast(null as date) as recompute_from
        {%- endif %}
    from cohort_definitions
    {% if is_incremental() -%}
        inner join cohort_recompute_from on cohort_definitions.cohort_name = cohort_recompute_from.cohort_name
    {%- endif %}
),

-- signal_drop: the signal enters the recent window on its day, moves to the prior window
-- window_days later and leaves it prior_days after that; from a first recomputed day on, only the
-- inputs whose windows reach it
drop_inputs as (
    select * from (
        select
            definitions.cohort_name,
            definitions.window_days,
            definitions.prior_days,
            daily_inputs.person_key,
            daily_inputs.activity_date,
            daily_inputs.signal_count,
            {{ pair_recompute_from }} as recompute_from
        from definitions
        inner join daily_inputs on definitions.signal = daily_inputs.signal_name
        {{ changed_persons_join | replace('{inputs}', 'daily_inputs') }}
        where definitions.rule_kind = 'signal_drop'
    ) as inputs
    where {{ is_read_from_recompute_day('activity_date', days_before_recompute_day('window_days + prior_days')) }}
),

-- detractor_no_order: an answer enters its window on its day and leaves it window_days later;
-- an order of a person with a detractor answer can end the membership on its day
detractor_inputs as (
    select * from (
        select
            definitions.cohort_name,
            definitions.window_days,
            daily_inputs.person_key,
            daily_inputs.activity_date,
            daily_inputs.signal_name,
            {{ pair_recompute_from }} as recompute_from
        from definitions
        inner join daily_inputs
            on daily_inputs.signal_name in ('detractor_answers', 'confirmed_orders')
        {{ changed_persons_join | replace('{inputs}', 'daily_inputs') }}
        where definitions.rule_kind = 'detractor_no_order'
    ) as inputs
    where {{ is_read_from_recompute_day('activity_date', days_before_recompute_day('window_days')) }}
),

detractor_persons as (
    select distinct
        cohort_name,
        person_key
    from detractor_inputs
    where signal_name = 'detractor_answers'
),

-- top_value_no_order: an order enters the window on its day and leaves it window_days later;
-- the value rank changes on the first day of a month
value_order_inputs as (
    select * from (
        select
            definitions.cohort_name,
            definitions.window_days,
            daily_inputs.person_key,
            daily_inputs.activity_date,
            {{ pair_recompute_from }} as recompute_from
        from definitions
        inner join daily_inputs on daily_inputs.signal_name = 'confirmed_orders'
        {{ changed_persons_join | replace('{inputs}', 'daily_inputs') }}
        where definitions.rule_kind = 'top_value_no_order'
    ) as inputs
    where {{ is_read_from_recompute_day('activity_date', days_before_recompute_day('window_days')) }}
),

-- the ranks of the months from the one before the first recomputed day's month on
value_rank_inputs as (
    select * from (
        select
            definitions.cohort_name,
            definitions.threshold,
            value_ranks.person_key,
            value_ranks.month_start,
            value_ranks.net_revenue_percent_rank,
            {{ pair_recompute_from }} as recompute_from
        from definitions
        inner join value_ranks on definitions.rule_kind = 'top_value_no_order'
        {{ changed_persons_join | replace('{inputs}', 'value_ranks') }}
    ) as inputs
    where
        {{ is_read_from_recompute_day(
            'month_start',
            'cast(' ~ dbt.dateadd('month', -1, dbt.date_trunc('month', 'recompute_from')) ~ ' as date)') }}
),

value_top_months as (
    select
        cohort_name,
        person_key,
        month_start,
        recompute_from,
        net_revenue_percent_rank < threshold as is_top_value,
        lag(net_revenue_percent_rank < threshold) over (
            partition by cohort_name, person_key
            order by month_start asc
        ) as was_top_value
    from value_rank_inputs
),

-- first_signal_this_month: the person's first day with the signal, and the end of its month
first_signal_days as (
    select
        definitions.cohort_name,
        daily_inputs.person_key,
        {{ pair_recompute_from }} as recompute_from,
        min(daily_inputs.activity_date) as first_signal_date
    from definitions
    inner join daily_inputs on definitions.signal = daily_inputs.signal_name
    {{ changed_persons_join | replace('{inputs}', 'daily_inputs') }}
    where definitions.rule_kind = 'first_signal_this_month'
    group by
        definitions.cohort_name,
        daily_inputs.person_key,
        {{ pair_recompute_from }}
),

change_days as (
    select
        cohort_name,
        person_key,
        recompute_from,
        activity_date as change_date
    from drop_inputs
    union all
    select
        cohort_name,
        person_key,
        recompute_from,
        cast({{ dbt.dateadd('day', 'window_days', 'activity_date') }} as date)
    from drop_inputs
    union all
    select
        cohort_name,
        person_key,
        recompute_from,
        cast({{ dbt.dateadd('day', 'window_days + prior_days', 'activity_date') }} as date)
    from drop_inputs
    union all
    select
        detractor_inputs.cohort_name,
        detractor_inputs.person_key,
        detractor_inputs.recompute_from,
        detractor_inputs.activity_date
    from detractor_inputs
    inner join detractor_persons
        on
            detractor_inputs.cohort_name = detractor_persons.cohort_name
            and detractor_inputs.person_key = detractor_persons.person_key
    union all
    select
        cohort_name,
        person_key,
        recompute_from,
        cast({{ dbt.dateadd('day', 'window_days', 'activity_date') }} as date)
    from detractor_inputs
    where signal_name = 'detractor_answers'
    union all
    select
        cohort_name,
        person_key,
        recompute_from,
        activity_date
    from value_order_inputs
    union all
    select
        cohort_name,
        person_key,
        recompute_from,
        cast({{ dbt.dateadd('day', 'window_days', 'activity_date') }} as date)
    from value_order_inputs
    union all
    select
        cohort_name,
        person_key,
        recompute_from,
        month_start
    from value_top_months
    where is_top_value != coalesce(was_top_value, false)
    union all
    select
        cohort_name,
        person_key,
        recompute_from,
        first_signal_date
    from first_signal_days
    union all
    select
        cohort_name,
        person_key,
        recompute_from,
        cast({{ dbt.dateadd('month', 1, dbt.date_trunc('month', 'first_signal_date')) }} as date)
    from first_signal_days
),

{% if is_incremental() %}
-- the stored spells with their pair's first recomputed day (null: every day, for a changed
-- person with no unchanged input left, and for a cohort whose definition was added, edited or
-- removed)
stored_spells as (
    select
        stored.cohort_name,
        stored.person_key,
        stored.entered_on,
        stored.exited_on,
        {{ pair_recompute_from }} as recompute_from
    from stored
    left join definitions on stored.cohort_name = definitions.cohort_name
    {{ changed_persons_join | replace('{inputs}', 'stored') }}
),

-- a spell of a member on the day before the first recomputed day: the run continues or ends it
boundary_spells as (
    select *
    from stored_spells
    where
        entered_on < recompute_from
        and (exited_on is null or exited_on >= recompute_from)
),
{% endif %}

-- the days each rule is evaluated on: its change days up to the data end, from the pair's first
-- recomputed day on; and that day itself for a pair with a spell open on the day before it
evaluation_days as (
    select distinct
        change_days.cohort_name,
        change_days.person_key,
        change_days.change_date as evaluation_date
    from change_days
    cross join data_end
    where
        change_days.change_date <= data_end.data_end_date
        and {{ is_read_from_recompute_day('change_days.change_date', recompute_from='change_days.recompute_from') }}
    {% if is_incremental() -%}
        union
        select
            cohort_name,
            person_key,
            recompute_from as evaluation_date
        from boundary_spells
    {%- endif %}
),

evaluation_rules as (
    select
        evaluation_days.cohort_name,
        evaluation_days.person_key,
        evaluation_days.evaluation_date,
        definitions.rule_kind,
        definitions.window_days,
        definitions.prior_days,
        definitions.threshold
    from evaluation_days
    inner join definitions on evaluation_days.cohort_name = definitions.cohort_name
),

-- the signal in the window_days up to the day (recent) and the prior_days before them (prior),
-- from running totals: with cumulative(x) the person's count on the days up to x, recent =
-- cumulative(day) - cumulative(day - window_days) and prior = cumulative(day - window_days) -
-- cumulative(day - window_days - prior_days). Each evaluated day asks for three points, which
-- join the person's input days in one ordered stream (an input before a point of the same day,
-- which includes it): linear in the inputs, where a join of each day with its window's inputs
-- grew with inputs times days (578 s and 30 GB spilled at scale 1).
drop_points as (
    {%- for point_kind, days_back in [
        ('evaluated_day', '0'),
        ('recent_start', 'evaluation_rules.window_days'),
        ('prior_start', 'evaluation_rules.window_days + evaluation_rules.prior_days'),
    ] %}
        select
            evaluation_rules.cohort_name,
            evaluation_rules.person_key,
            evaluation_rules.evaluation_date,
            '{{ point_kind }}' as point_kind,
            cast({{ dbt.dateadd('day', '-(' ~ days_back ~ ')', 'evaluation_rules.evaluation_date') }} as date)
                as point_date
        from evaluation_rules
        where evaluation_rules.rule_kind = 'signal_drop'
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

drop_stream as (
    select
        cohort_name,
        person_key,
        activity_date as point_date,
        0 as is_point,
        signal_count,
        cast(null as date) as evaluation_date,
        cast(null as {{ dbt.type_string() }}) as point_kind
    from drop_inputs
    union all
    select
        cohort_name,
        person_key,
        point_date,
        1 as is_point,
        0 as signal_count,
        evaluation_date,
        point_kind
    from drop_points
),

drop_cumulative as (
    select
        *,
        sum(signal_count) over (
            partition by cohort_name, person_key
            order by point_date asc, is_point asc
            rows between unbounded preceding and current row
        ) as cumulative_count
    from drop_stream
),

drop_totals as (
    select
        cohort_name,
        person_key,
        evaluation_date,
        max(case when point_kind = 'evaluated_day' then cumulative_count end)
        - max(case when point_kind = 'recent_start' then cumulative_count end) as recent_count,
        max(case when point_kind = 'recent_start' then cumulative_count end)
        - max(case when point_kind = 'prior_start' then cumulative_count end) as prior_count
    from drop_cumulative
    where is_point = 1
    group by cohort_name, person_key, evaluation_date
),

drop_states as (
    select
        drop_totals.cohort_name,
        drop_totals.person_key,
        drop_totals.evaluation_date,
        drop_totals.recent_count,
        drop_totals.prior_count,
        definitions.window_days,
        definitions.prior_days,
        definitions.threshold
    from drop_totals
    inner join definitions on drop_totals.cohort_name = definitions.cohort_name
),

-- the latest detractor answer up to the day, in the window_days up to it, and no confirmed order
-- on a later day than it (an order on the answer's own day does not count as one since)
detractor_states as (
    select
        evaluation_rules.cohort_name,
        evaluation_rules.person_key,
        evaluation_rules.evaluation_date,
        min(evaluation_rules.window_days) as window_days,
        max(case when detractor_inputs.signal_name = 'detractor_answers' then detractor_inputs.activity_date end)
            as last_detractor_date,
        max(case when detractor_inputs.signal_name = 'confirmed_orders' then detractor_inputs.activity_date end)
            as last_order_date
    from evaluation_rules
    left join detractor_inputs
        on
            evaluation_rules.cohort_name = detractor_inputs.cohort_name
            and evaluation_rules.person_key = detractor_inputs.person_key
            and evaluation_rules.evaluation_date >= detractor_inputs.activity_date
    where evaluation_rules.rule_kind = 'detractor_no_order'
    group by evaluation_rules.cohort_name, evaluation_rules.person_key, evaluation_rules.evaluation_date
),

-- the value rank of the day's month in the top threshold share, and no confirmed order in the
-- window_days up to the day
value_states as (
    select
        evaluation_rules.cohort_name,
        evaluation_rules.person_key,
        evaluation_rules.evaluation_date,
        min(evaluation_rules.threshold) as threshold,
        min(value_rank_inputs.net_revenue_percent_rank) as net_revenue_percent_rank,
        count(value_order_inputs.activity_date) as order_days_in_window
    from evaluation_rules
    left join value_rank_inputs
        on
            evaluation_rules.cohort_name = value_rank_inputs.cohort_name
            and evaluation_rules.person_key = value_rank_inputs.person_key
            and value_rank_inputs.month_start
            = cast({{ dbt.date_trunc('month', 'evaluation_rules.evaluation_date') }} as date)
    left join value_order_inputs
        on
            evaluation_rules.cohort_name = value_order_inputs.cohort_name
            and evaluation_rules.person_key = value_order_inputs.person_key
            and evaluation_rules.evaluation_date >= value_order_inputs.activity_date
            and value_order_inputs.activity_date
            > {{ window_start }}
    where evaluation_rules.rule_kind = 'top_value_no_order'
    group by evaluation_rules.cohort_name, evaluation_rules.person_key, evaluation_rules.evaluation_date
),

states as (
    select
        cohort_name,
        person_key,
        evaluation_date,
        prior_count > 0 and recent_count * prior_days < threshold * prior_count * window_days as is_member
    from drop_states
    union all
    select
        cohort_name,
        person_key,
        evaluation_date,
        coalesce(
            last_detractor_date
            > cast({{ dbt.dateadd('day', '-window_days', 'evaluation_date') }} as date)
            and (last_order_date is null or last_order_date <= last_detractor_date),
            false
        ) as is_member
    from detractor_states
    union all
    select
        cohort_name,
        person_key,
        evaluation_date,
        coalesce(net_revenue_percent_rank < threshold, false) and order_days_in_window = 0 as is_member
    from value_states
    union all
    select
        evaluation_rules.cohort_name,
        evaluation_rules.person_key,
        evaluation_rules.evaluation_date,
        first_signal_days.first_signal_date <= evaluation_rules.evaluation_date
        and cast({{ dbt.date_trunc('month', 'first_signal_days.first_signal_date') }} as date)
        = cast({{ dbt.date_trunc('month', 'evaluation_rules.evaluation_date') }} as date) as is_member
    from evaluation_rules
    inner join first_signal_days
        on
            evaluation_rules.cohort_name = first_signal_days.cohort_name
            and evaluation_rules.person_key = first_signal_days.person_key
    where evaluation_rules.rule_kind = 'first_signal_this_month'
),

-- the days the state changes: an entry, or an exit (the first evaluated day is an entry when the
-- person is a member on it)
state_changes as (
    select
        cohort_name,
        person_key,
        evaluation_date,
        is_member
    from (
        select
            *,
            lag(is_member) over (
                partition by cohort_name, person_key
                order by evaluation_date asc
            ) as was_member
        from states
    ) as ordered_states
    where is_member != coalesce(was_member, false)
),

computed_spells as (
    select
        cohort_name,
        person_key,
        entered_on,
        exited_on
    from (
        select
            cohort_name,
            person_key,
            is_member,
            evaluation_date as entered_on,
            lead(evaluation_date) over (
                partition by cohort_name, person_key
                order by evaluation_date asc
            ) as exited_on
        from state_changes
    ) as changes_with_next
    where is_member
),

{% if is_incremental() %}
-- the pairs whose spells the run rewrites: a spell open on or starting after the first
-- recomputed day, every spell of a recomputed pair, or a spell found
touched_pairs as (
    select
        cohort_name,
        person_key
    from stored_spells
    where exited_on is null or {{ is_read_from_recompute_day('exited_on') }}
    union
    select
        cohort_name,
        person_key
    from computed_spells
),

{% endif %}

spells as (
    {% if is_incremental() -%}
        -- a touched pair's spells that ended before its first recomputed day, as stored
        select
            stored_spells.cohort_name,
            stored_spells.person_key,
            stored_spells.entered_on,
            stored_spells.exited_on
        from stored_spells
        inner join touched_pairs
            on
                stored_spells.cohort_name = touched_pairs.cohort_name
                and stored_spells.person_key = touched_pairs.person_key
        where stored_spells.exited_on < stored_spells.recompute_from
        union all
        -- a spell open on the day before the first recomputed day: continued by the spell the run
        -- finds entering on that day (same entered_on), or ended on it
        select
            boundary_spells.cohort_name,
            boundary_spells.person_key,
            boundary_spells.entered_on,
            case
                when continued_spells.person_key is null then boundary_spells.recompute_from
                else continued_spells.exited_on
            end as exited_on
        from boundary_spells
        left join computed_spells as continued_spells
            on
                boundary_spells.cohort_name = continued_spells.cohort_name
                and boundary_spells.person_key = continued_spells.person_key
                and boundary_spells.recompute_from = continued_spells.entered_on
        union all
        -- the other spells the run found
        select
            computed_spells.cohort_name,
            computed_spells.person_key,
            computed_spells.entered_on,
            computed_spells.exited_on
        from computed_spells
        left join boundary_spells
            on
                computed_spells.cohort_name = boundary_spells.cohort_name
                and computed_spells.person_key = boundary_spells.person_key
                and computed_spells.entered_on = boundary_spells.recompute_from
        where boundary_spells.person_key is null
    {%- else -%}
        select * from computed_spells
    {%- endif %}
),

final as (
    select
        spells.cohort_name,
        spells.person_key,
        definitions.rule_kind,
        definitions.definition_hash,
        cast(spells.entered_on as date) as entered_on,
        cast(spells.exited_on as date) as exited_on,
        spells.exited_on is null as is_current_member,
        {{ run_started_at_utc() }} as loaded_at
    from spells
    inner join definitions on spells.cohort_name = definitions.cohort_name
    {% if is_incremental() %}
        union all
        -- one placeholder per touched pair (deleted by the post-hook)
        select
            cohort_name,
            person_key,
            cast(null as {{ dbt.type_string() }}) as rule_kind,
            cast(null as {{ dbt.type_string() }}) as definition_hash,
            cast(null as date) as entered_on,
            cast(null as date) as exited_on,
            cast(null as boolean) as is_current_member,
            {{ run_started_at_utc() }} as loaded_at
        from touched_pairs
    {% endif %}
)

select * from final
