{#- The counts of a group of `events` (int_events_sessionized rows, one person's local day): one
    column per signal of cohort_signals, sessions started, 1 for active_days, and the others as
    macro event_signal_count counts them. int_persons_signals_by_day's event days, written once
    for its two passes over the events. -#}
{% macro event_day_counts(events='events') -%}
    sum(case when {{ events }}.is_session_start then 1 else 0 end) as sessions,
    1 as active_days,
    {%- for signal in cohort_signals() | reject('in', ['sessions', 'active_days']) %}
        {{ event_signal_count(signal, events ~ '.event_type') }} as {{ signal }}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
