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
