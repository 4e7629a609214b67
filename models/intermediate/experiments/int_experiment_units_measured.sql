-- One row per experiment unit and metric: whether the unit is eligible for the metric, its value
-- after assignment and the same metric's value in the same-length window before it (the CUPED
-- covariate). A unit is resolved to its person (a customer through person resolution, an
-- anonymous visitor through its device's owner in the sessionized events); a unit with no known
-- person still counts, with no orders and no engagement (doc block experiment_metrics).
{%- set windows = var('experiment_retention_windows_days') -%}
{%- set outcome_days = var('experiment_outcome_window_days') -%}
{%- set all_windows = (windows + [outcome_days]) | unique | sort -%}
{#- the metrics, as (name, eligibility, value after assignment, value before it) over `measured` -#}
{%- set outcome = outcome_days ~ 'd' -%}
{%- set unit_metric_definitions = [
    ('first_order_conversion', 'is_complete_' ~ outcome ~ ' and orders_before = 0',
        'case when orders_after_' ~ outcome ~ ' > 0 then 1 else 0 end', 'null'),
    ('repeat_order_conversion', 'is_complete_' ~ outcome ~ ' and orders_before = 1',
        'case when orders_after_' ~ outcome ~ ' > 0 then 1 else 0 end', 'null'),
] -%}
{%- for days in windows -%}
    {%- do unit_metric_definitions.append(('retained_' ~ days ~ 'd', 'is_complete_' ~ days ~ 'd',
        'case when orders_after_' ~ days ~ 'd > 0 then 1 else 0 end',
        'case when orders_before_' ~ days ~ 'd > 0 then 1 else 0 end')) -%}
{%- endfor -%}
{%- do unit_metric_definitions.extend([
    ('orders_per_unit', 'is_complete_' ~ outcome, 'orders_after_' ~ outcome, 'orders_before_' ~ outcome),
    ('net_revenue_usd_per_unit', 'is_complete_' ~ outcome, 'net_revenue_usd_after', 'net_revenue_usd_before'),
    ('engagement_score', 'is_complete_engagement', 'engagement_score_after', 'engagement_score_before'),
]) %}

with

assignments as (
    select * from {{ ref('stg_shop__experiment_assignments') }}
),

persons as (
    select * from {{ ref('int_customers_resolved_to_persons') }}
),

-- the unit's market clock: its customer's business time zone (doc block business_timezone)
customers as (
    select
        customer_id,
        business_timezone
    from {{ ref('stg_shop__customers') }}
),

-- a device's owner: the customer its anonymous events are stitched to
device_owners as (
    select
        anonymous_id,
        min(stitched_customer_id) as customer_id
    from {{ ref('int_events_sessionized') }}
    where customer_id is null and anonymous_id is not null and stitched_customer_id is not null
    group by anonymous_id
),

orders as (
    select
        person_key,
        order_ts,
        net_revenue_usd
    from {{ ref('int_orders_enriched') }}
    where is_confirmed_order
),

engagement_months as (
    select
        person_key,
        month_start,
        engagement_score
    from {{ ref('int_persons_engagement_by_month') }}
),

data_end as (
    select data_end_date from {{ ref('int_data_end') }}
),

units as (
    select
        assignments.experiment_id,
        assignments.variant,
        assignments.unit_id,
        assignments.assigned_ts,
        persons.person_key,
        coalesce(customers.business_timezone, '{{ var("business_timezone_default") }}') as business_timezone
    from assignments
    left join device_owners
        on assignments.customer_id is null and assignments.anonymous_id = device_owners.anonymous_id
    left join persons
        on coalesce(assignments.customer_id, device_owners.customer_id) = persons.customer_id
    left join customers
        on coalesce(assignments.customer_id, device_owners.customer_id) = customers.customer_id
),

-- days and months on the unit's local calendar, as int_data_end's and the engagement months'
-- (DECISIONS.md, the local calendar): a window's last day is the local day its end falls on
units_local as (
    select
        experiment_id,
        variant,
        unit_id,
        assigned_ts,
        person_key,
        {%- for days in all_windows %}
            {{ local_date(dbt.dateadd('day', days, 'assigned_ts'), 'business_timezone') }}
                as window_end_date_{{ days }}d,
        {%- endfor %}
        cast({{ dbt.date_trunc('month', local_date('assigned_ts', 'business_timezone')) }} as date)
            as assigned_month
    from units
),

orders_around_assignment as (
    select
        units.experiment_id,
        units.unit_id,
        -- before = up to the assignment instant, after = from just after it: an order at the instant
        -- itself is a prior order (as in the pre-assignment windows), never an outcome
        sum(case when orders.order_ts <= units.assigned_ts then 1 else 0 end) as orders_before,
        {%- for days in all_windows %}
            sum(case
                when {{ is_within_days_after('orders.order_ts', 'units.assigned_ts', days) }}
                    then 1
                else 0
            end) as orders_after_{{ days }}d,
            sum(case
                when
                    orders.order_ts > {{ dbt.dateadd('day', -days, 'units.assigned_ts') }}
                    and orders.order_ts <= units.assigned_ts
                    then 1
                else 0
            end) as orders_before_{{ days }}d,
        {%- endfor %}
        sum(case
            when {{ is_within_days_after('orders.order_ts', 'units.assigned_ts', outcome_days) }}
                then orders.net_revenue_usd
            else 0
        end) as net_revenue_usd_after,
        sum(case
            when
                orders.order_ts > {{ dbt.dateadd('day', -outcome_days, 'units.assigned_ts') }}
                and orders.order_ts <= units.assigned_ts
                then orders.net_revenue_usd
            else 0
        end) as net_revenue_usd_before
    from units
    inner join orders on units.person_key = orders.person_key
    group by units.experiment_id, units.unit_id
),

measured as (
    select
        units.experiment_id,
        units.variant,
        units.unit_id,
        units.assigned_ts,
        coalesce(orders_around_assignment.orders_before, 0) as orders_before,
        {%- for days in all_windows %}
            coalesce(orders_around_assignment.orders_after_{{ days }}d, 0) as orders_after_{{ days }}d,
            coalesce(orders_around_assignment.orders_before_{{ days }}d, 0) as orders_before_{{ days }}d,
            units.window_end_date_{{ days }}d <= data_end.data_end_date as is_complete_{{ days }}d,
        {%- endfor %}
        cast(coalesce(orders_around_assignment.net_revenue_usd_after, 0) as decimal(18, 2))
            as net_revenue_usd_after,
        cast(coalesce(orders_around_assignment.net_revenue_usd_before, 0) as decimal(18, 2))
            as net_revenue_usd_before,
        coalesce(engagement_after.engagement_score, 0) as engagement_score_after,
        coalesce(engagement_before.engagement_score, 0) as engagement_score_before,
        -- the month after the assignment month is over by the data end
        cast({{ dbt.dateadd('month', 2, 'units.assigned_month') }} as date)
        <= {{ dbt.dateadd('day', 1, 'data_end.data_end_date') }}
            as is_complete_engagement
    from units_local as units
    cross join data_end
    left join orders_around_assignment
        on
            units.experiment_id = orders_around_assignment.experiment_id
            and units.unit_id = orders_around_assignment.unit_id
    left join engagement_months as engagement_after
        on
            units.person_key = engagement_after.person_key
            and engagement_after.month_start = cast({{ dbt.dateadd('month', 1, 'units.assigned_month') }} as date)
    left join engagement_months as engagement_before
        on
            units.person_key = engagement_before.person_key
            and engagement_before.month_start = cast({{ dbt.dateadd('month', -1, 'units.assigned_month') }} as date)
),

unit_metrics as (
    {% for metric_name, eligible, value, pre_value in unit_metric_definitions -%}
        select
            experiment_id,
            variant,
            unit_id,
            '{{ metric_name }}' as metric_name,
            {{ eligible }} as is_eligible,
            cast({{ value }} as double) as metric_value,
            cast({{ pre_value }} as double) as pre_assignment_value
        from measured
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unit_metrics
