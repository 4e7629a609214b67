-- What followed entry into a dynamic cohort (doc block cohort_entry_outcomes): per cohort and
-- local month of entry, the entries (spells of cohort_membership_spells) and their persons, the
-- confirmed orders and net revenue after entry up to the data end, retention at 30, 60 and 90
-- days (a confirmed order in the N days after the entry day, over the entries whose N days ended
-- by the data end), and the churn model's mean score of the entering persons it scores (the
-- score at its latest snapshot, the observation end: not at entry).
{%- set windows = [30, 60, 90] %}

with

spells as (
    select * from {{ ref('cohort_membership_spells') }}
),

orders as (
    select * from {{ ref('int_persons_signals_by_day') }}
    where signal_name = 'confirmed_orders'
),

churn_scores as (
    select * from {{ ref('int_persons_churn_scored') }}
),

data_end as (
    select * from {{ ref('int_data_end') }}
),

-- each entry with the orders placed after its day
entry_orders as (
    select
        spells.cohort_name,
        spells.person_key,
        spells.entered_on,
        coalesce(sum(orders.signal_count), 0) as orders_after_entry,
        coalesce(sum(orders.net_revenue_usd), 0) as net_revenue_usd_after_entry,
        {%- for days in windows %}
            max(case
                when {{ is_within_days_after('orders.activity_date', 'spells.entered_on', days) }}
                    then 1
                else 0
            end) as is_retained_{{ days }}d{% if not loop.last %},{% endif %}
        {%- endfor %}
    from spells
    left join orders
        on
            spells.person_key = orders.person_key
            and spells.entered_on < orders.activity_date
    group by spells.cohort_name, spells.person_key, spells.entered_on
),

entries as (
    select
        entry_orders.*,
        cast({{ dbt.date_trunc('month', 'entry_orders.entered_on') }} as date) as entry_month_start,
        {%- for days in windows %}
            case
                when cast({{ dbt.dateadd('day', days, 'entry_orders.entered_on') }} as date) <= data_end.data_end_date
                    then 1
                else 0
            end as is_eligible_{{ days }}d,
        {%- endfor %}
        churn_scores.churn_probability,
        churn_scores.snapshot_date as churn_snapshot_date
    from entry_orders
    cross join data_end
    left join churn_scores on entry_orders.person_key = churn_scores.person_key
),

aggregated as (
    select
        cohort_name,
        entry_month_start,
        count(*) as entries,
        count(distinct person_key) as persons,
        sum(orders_after_entry) as orders_after_entry,
        sum(net_revenue_usd_after_entry) as net_revenue_usd_after_entry,
        {%- for days in windows %}
            sum(is_eligible_{{ days }}d) as eligible_entries_{{ days }}d,
            sum(is_eligible_{{ days }}d * is_retained_{{ days }}d) as retained_entries_{{ days }}d,
        {%- endfor %}
        count(churn_probability) as scored_entries,
        -- as decimals: a mean of doubles depends on the order the threads add them in
        avg(cast(churn_probability as {{ dbt.type_numeric() }})) as mean_churn_probability,
        max(churn_snapshot_date) as churn_snapshot_date
    from entries
    group by cohort_name, entry_month_start
),

final as (
    select
        cohort_name,
        entry_month_start,
        cast(entries as {{ dbt.type_bigint() }}) as entries,
        cast(persons as {{ dbt.type_bigint() }}) as persons,
        cast(orders_after_entry as {{ dbt.type_bigint() }}) as orders_after_entry,
        cast(net_revenue_usd_after_entry as decimal(18, 2)) as net_revenue_usd_after_entry,
        {%- for days in windows %}
            cast(eligible_entries_{{ days }}d as {{ dbt.type_bigint() }}) as eligible_entries_{{ days }}d,
            cast(retained_entries_{{ days }}d as {{ dbt.type_bigint() }}) as retained_entries_{{ days }}d,
            cast(retained_entries_{{ days }}d as double) / nullif(eligible_entries_{{ days }}d, 0)
                as retention_{{ days }}d_rate,
        {%- endfor %}
        cast(scored_entries as {{ dbt.type_bigint() }}) as scored_entries,
        cast(mean_churn_probability as double) as mean_churn_probability,
        cast(churn_snapshot_date as date) as churn_snapshot_date
    from aggregated
)

select * from final
