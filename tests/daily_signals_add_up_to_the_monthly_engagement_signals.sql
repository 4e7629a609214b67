-- The dynamic cohorts' daily signals (int_persons_signals_by_day) and the engagement score's
-- monthly ones (int_persons_engagement_by_month) are two models counting the same events: per
-- person, month and engagement signal, the days' counts add up to the month's. One failing row
-- per person, month and signal where they differ or only one model has it.
{%- set signals = engagement_score_signals() %}

with

daily as (
    select
        person_key,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month_start,
        signal_name,
        sum(signal_count) as daily_count
    from {{ ref('int_persons_signals_by_day') }}
    where signal_name in ('{{ signals | join("', '") }}')
    group by person_key, cast({{ dbt.date_trunc('month', 'activity_date') }} as date), signal_name
),

monthly as (
    {% for signal in signals -%}
        select
            person_key,
            month_start,
            '{{ signal }}' as signal_name,
            {{ signal }} as monthly_count
        from {{ ref('int_persons_engagement_by_month') }}
        where {{ signal }} > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

compared as (
    select
        coalesce(daily.person_key, monthly.person_key) as person_key,
        coalesce(daily.month_start, monthly.month_start) as month_start,
        coalesce(daily.signal_name, monthly.signal_name) as signal_name,
        daily.daily_count,
        monthly.monthly_count
    from daily
    full outer join monthly
        on
            daily.person_key = monthly.person_key
            and daily.month_start = monthly.month_start
            and daily.signal_name = monthly.signal_name
)

select * from compared
where daily_count is null or monthly_count is null or daily_count != monthly_count
