-- Membership spells of the dynamic cohorts (doc block cohort_rules): a row per person, cohort and
-- continuous run of local days on which the person met the cohort's rule, from entered_on (the
-- first such day) to exited_on (the first day they no longer did; null: still a member on the
-- data end). A rule's state can only change on a day one of the person's inputs enters or leaves
-- one of its windows, or a month starts: the rules are evaluated on those days only (change
-- days), not on every day, and a state holds until the next change day.
--
-- Incremental (doc block cohort_spells_incremental): a run recomputes the days from
-- macro cohort_spells_recompute_from on, reading every input of the person (windows reach back as
-- far as they need); the pre-hook closes the stored spells on that day and the run continues
-- those still open on it.
{{ config(
    materialized=keyed_incremental_materialization(
        table_on_spark_because='its pre-hook updates the stored spells (exited_on), and by default'
        ~ ' (var cohort_late_data_days null) deletes every spell: a rewrite would cost a full build'),
    incremental_strategy='delete+insert',
    unique_key=['cohort_name', 'person_key', 'entered_on'],
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}{{ cohort_spells_reopen() }}{% endif %}",
) }}
{%- set recompute_from = cohort_spells_recompute_from() %}
{%- set recompute_from_date = "cast(null as date)" if recompute_from is none
    else "cast('" ~ recompute_from ~ "' as date)" %}
{#- the day before a rule's recent window starts, for the day evaluated -#}
{%- set window_start = "cast(" ~ dbt.dateadd('day', '-evaluation_rules.window_days', 'evaluation_rules.evaluation_date')
    ~ " as date)" %}

with

definitions as (
    select
        *,
        {{ cohort_definition_hash() }} as definition_hash
    from {{ ref('cohort_definitions') }}
),

daily_inputs as (
    select * from {{ ref('int_persons_signals_by_day') }}
),

value_ranks as (
    select * from {{ ref('int_persons_value_rank_by_month') }}
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

-- signal_drop: the signal enters the recent window on its day, moves to the prior window
-- window_days later and leaves it prior_days after that
drop_inputs as (
    select
        definitions.cohort_name,
        definitions.window_days,
        definitions.prior_days,
        daily_inputs.person_key,
        daily_inputs.activity_date,
        daily_inputs.signal_count
    from definitions
    inner join daily_inputs on definitions.signal = daily_inputs.signal_name
    where definitions.rule_kind = 'signal_drop'
),

-- detractor_no_order: an answer enters its window on its day and leaves it window_days later;
-- an order of a person with a detractor answer can end the membership on its day
detractor_inputs as (
    select
        definitions.cohort_name,
        definitions.window_days,
        daily_inputs.person_key,
        daily_inputs.activity_date,
        daily_inputs.signal_name
    from definitions
    inner join daily_inputs
        on daily_inputs.signal_name in ('detractor_answers', 'confirmed_orders')
    where definitions.rule_kind = 'detractor_no_order'
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
    select
        definitions.cohort_name,
        definitions.window_days,
        daily_inputs.person_key,
        daily_inputs.activity_date
    from definitions
    inner join daily_inputs on daily_inputs.signal_name = 'confirmed_orders'
    where definitions.rule_kind = 'top_value_no_order'
),

value_top_months as (
    select
        definitions.cohort_name,
        value_ranks.person_key,
        value_ranks.month_start,
        value_ranks.net_revenue_percent_rank < definitions.threshold as is_top_value,
        lag(value_ranks.net_revenue_percent_rank < definitions.threshold) over (
            partition by definitions.cohort_name, value_ranks.person_key
            order by value_ranks.month_start asc
        ) as was_top_value
    from definitions
    inner join value_ranks on definitions.rule_kind = 'top_value_no_order'
),

-- first_signal_this_month: the person's first day with the signal, and the end of its month
first_signal_days as (
    select
        definitions.cohort_name,
        daily_inputs.person_key,
        min(daily_inputs.activity_date) as first_signal_date
    from definitions
    inner join daily_inputs on definitions.signal = daily_inputs.signal_name
    where definitions.rule_kind = 'first_signal_this_month'
    group by definitions.cohort_name, daily_inputs.person_key
),

change_days as (
    select
        cohort_name,
        person_key,
        activity_date as change_date
    from drop_inputs
    union all
    select
        cohort_name,
        person_key,
        cast({{ dbt.dateadd('day', 'window_days', 'activity_date') }} as date)
    from drop_inputs
    union all
    select
        cohort_name,
        person_key,
        cast({{ dbt.dateadd('day', 'window_days + prior_days', 'activity_date') }} as date)
    from drop_inputs
    union all
    select
        detractor_inputs.cohort_name,
        detractor_inputs.person_key,
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
        cast({{ dbt.dateadd('day', 'window_days', 'activity_date') }} as date)
    from detractor_inputs
    where signal_name = 'detractor_answers'
    union all
    select
        cohort_name,
        person_key,
        activity_date
    from value_order_inputs
    union all
    select
        cohort_name,
        person_key,
        cast({{ dbt.dateadd('day', 'window_days', 'activity_date') }} as date)
    from value_order_inputs
    union all
    select
        cohort_name,
        person_key,
        month_start
    from value_top_months
    where is_top_value != coalesce(was_top_value, false)
    union all
    select
        cohort_name,
        person_key,
        first_signal_date
    from first_signal_days
    union all
    select
        cohort_name,
        person_key,
        cast({{ dbt.dateadd('month', 1, dbt.date_trunc('month', 'first_signal_date')) }} as date)
    from first_signal_days
),

-- the days each rule is evaluated on: its change days up to the data end; an incremental run
-- only those from the first recomputed day on, and that day itself for a person with earlier ones
evaluation_days as (
    select distinct
        change_days.cohort_name,
        change_days.person_key,
        change_days.change_date as evaluation_date
    from change_days
    cross join data_end
    where
        change_days.change_date <= data_end.data_end_date
    {% if recompute_from is not none -%}
            and change_days.change_date >= {{ recompute_from_date }}
        {%- endif %}
    {% if recompute_from is not none -%}
        union
        select distinct
            change_days.cohort_name,
            change_days.person_key,
            {{ recompute_from_date }} as evaluation_date
        from change_days
        cross join data_end
        where
            change_days.change_date < {{ recompute_from_date }}
            and {{ recompute_from_date }} <= data_end.data_end_date
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
        min(value_ranks.net_revenue_percent_rank) as net_revenue_percent_rank,
        count(value_order_inputs.activity_date) as order_days_in_window
    from evaluation_rules
    left join value_ranks
        on
            evaluation_rules.person_key = value_ranks.person_key
            and value_ranks.month_start
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

-- stored spells the pre-hook closed on the first recomputed day (members the day before): one
-- that the run finds open on that day goes on, with its entry day (none on a full refresh)
closed_spells as (
    {% if recompute_from is not none -%}
        select
            cohort_name,
            person_key,
            entered_on
        from {{ this }}
        where exited_on = {{ recompute_from_date }}
    {%- else -%}
        select
            cohort_name,
            person_key,
            entered_on
        from computed_spells
        where false
    {%- endif %}
),

spells as (
    select
        computed_spells.cohort_name,
        computed_spells.person_key,
        computed_spells.exited_on,
        coalesce(closed_spells.entered_on, computed_spells.entered_on) as entered_on
    from computed_spells
    left join closed_spells
        on
            computed_spells.cohort_name = closed_spells.cohort_name
            and computed_spells.person_key = closed_spells.person_key
            and computed_spells.entered_on = {{ recompute_from_date }}
),

final as (
    select
        spells.cohort_name,
        spells.person_key,
        definitions.rule_kind,
        definitions.definition_hash,
        cast(spells.entered_on as date) as entered_on,
        cast(spells.exited_on as date) as exited_on,
        spells.exited_on is null as is_current_member
    from spells
    inner join definitions on spells.cohort_name = definitions.cohort_name
)

select * from final
