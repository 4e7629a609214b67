{#- The signal rows of `event_days` (a relation with person_key, activity_date and a count column
    per signal of cohort_signals): one row per person, day and signal with a count above zero, in
    int_persons_signals_by_day's columns. The one definition of an event signal row, which that
    model writes for the days from each recomputed person's first changed day and, separately, for
    the earlier days of the persons it recomputes on every day. -#}
{% macro event_signal_rows(event_days) -%}
    {%- for signal in cohort_signals() %}
        select
            person_key,
            activity_date,
            '{{ signal }}' as signal_name,
            {{ signal }} as signal_count,
            cast(null as decimal(18, 2)) as net_revenue_usd
        from {{ event_days }}
        where {{ signal }} > 0
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
