-- A row of the cohort_definitions seed that names an unknown rule kind or signal, or lacks (or
-- has) a parameter of its rule kind: one failing row per problem, with the row's cohort_name, the
-- column and the value, and a message saying what the column accepts (doc block cohort_rules).
{%- set rule_kinds = cohort_rule_kinds() %}
{%- set signals = cohort_signals() %}
{%- set signal_kinds = "'signal_drop', 'first_signal_this_month'" %}
{%- set window_kinds = "'signal_drop', 'detractor_no_order', 'top_value_no_order'" %}
{%- set threshold_kinds = "'signal_drop', 'top_value_no_order'" %}
{%- set rule_kind_list = "'" ~ rule_kinds | join("', '") ~ "'" %}
{%- set signal_list = "'" ~ signals | join("', '") ~ "'" %}

with

definitions as (
    select * from {{ ref('cohort_definitions') }}
),

problems as (
    select
        cohort_name,
        'rule_kind' as column_name,
        coalesce(rule_kind, 'null') as problem_value,
        'unknown rule kind (one of: {{ rule_kinds | join(", ") }})' as problem
    from definitions
    where rule_kind is null or rule_kind not in ({{ rule_kind_list }})
    union all
    select
        cohort_name,
        'signal' as column_name,
        coalesce(signal, 'null') as problem_value,
        'unknown signal (one of: {{ signals | join(", ") }})' as problem
    from definitions
    where rule_kind in ({{ signal_kinds }}) and (signal is null or signal not in ({{ signal_list }}))
    union all
    select
        cohort_name,
        'signal' as column_name,
        signal as problem_value,
        'rule kind ' || rule_kind || ' takes no signal' as problem
    from definitions
    where rule_kind not in ({{ signal_kinds }}) and signal is not null
    union all
    select
        cohort_name,
        'window_days' as column_name,
        coalesce(cast(window_days as {{ dbt.type_string() }}), 'null') as problem_value,
        'rule kind ' || rule_kind || ' needs a window of at least 1 day' as problem
    from definitions
    where rule_kind in ({{ window_kinds }}) and (window_days is null or window_days < 1)
    union all
    select
        cohort_name,
        'prior_days' as column_name,
        coalesce(cast(prior_days as {{ dbt.type_string() }}), 'null') as problem_value,
        'rule kind signal_drop needs a prior window of at least 1 day' as problem
    from definitions
    where rule_kind = 'signal_drop' and (prior_days is null or prior_days < 1)
    union all
    select
        cohort_name,
        'threshold' as column_name,
        coalesce(cast(threshold as {{ dbt.type_string() }}), 'null') as problem_value,
        'rule kind ' || rule_kind || ' needs a threshold above 0 and at most 1' as problem
    from definitions
    where rule_kind in ({{ threshold_kinds }}) and (threshold is null or threshold <= 0 or threshold > 1)
),

final as (
    select
        cohort_name,
        column_name,
        problem_value,
        'cohort_definitions row ' || coalesce(cohort_name, 'null') || ': ' || column_name || ' = '
        || problem_value || ': ' || problem as message
    from problems
)

select * from final
