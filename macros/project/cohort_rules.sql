{#- The vocabulary of the cohort_definitions seed (doc block cohort_rules): the rule kinds, and
    the daily signals a rule may name (int_persons_signals_by_day: the engagement score's signals,
    macro engagement_score_signals). The one list the seed's test
    and the models read. -#}
{% macro cohort_rule_kinds() -%}
    {{ return(['signal_drop', 'detractor_no_order', 'top_value_no_order', 'first_signal_this_month']) }}
{%- endmacro %}

{% macro cohort_signals() -%}
    {{ return(engagement_score_signals()) }}
{%- endmacro %}

{#- Whether a row at `value` (a date column) is read by a pair (cohort, person) recomputed from its
    first recomputed day `recompute_from`: a pair with none (null: a changed person with no
    unchanged input left, a new or edited definition, a full build) reads every row; otherwise
    the rows on or after `first_day_needed`, the earliest day the windows of its first recomputed
    day reach (default: that day itself). cohort_membership_spells writes it once for each of its inputs. -#}
{% macro is_read_from_recompute_day(value, first_day_needed=none, recompute_from='recompute_from') -%}
    ({{ recompute_from }} is null or {{ value }} >= {{ first_day_needed or recompute_from }})
{%- endmacro %}

{#- The day `days_back` (SQL, days) before a pair's first recomputed day: where a window that
    reaches back that far from it starts. -#}
{% macro days_before_recompute_day(days_back, recompute_from='recompute_from') -%}
    cast({{ dbt.dateadd('day', '-(' ~ days_back ~ ')', recompute_from) }} as date)
{%- endmacro %}
