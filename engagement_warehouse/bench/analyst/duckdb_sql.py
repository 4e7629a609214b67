"""The warehouse's way, run directly: the same two results in DuckDB SQL on the same orders
export, with the dbt profile's threads and memory limit. The SQL is the marts' logic cut down to
the question (segment all, monthly grain; customer_rfm's rfm_summary at day unit): truncate to
months and `datediff` for periods, a `range` per cohort for the periods without activity, decimal
sums divided as double.

The connection is opened before the clock starts (as pandas and polars are imported before);
each query reads the Parquet file itself and its result is fetched as an Arrow table.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

COHORT_SQL = """
with

orders as (
    select person_key, order_date, is_confirmed_order
    from read_parquet('{path}')
),

data_end as (
    -- the last day of data: the latest order of any status
    select max(order_date) as data_end_date from orders
),

activity as (
    select distinct
        person_key,
        date_trunc('month', order_date) as activity_month
    from orders
    where is_confirmed_order
),

persons as (
    select person_key, min(activity_month) as cohort_start
    from activity
    group by person_key
),

cohorts as (
    select cohort_start, count(*) as cohort_size
    from persons
    group by cohort_start
),

active as (
    select
        persons.cohort_start,
        datediff('month', persons.cohort_start, activity.activity_month) as period_number,
        count(*) as active_customers
    from activity
    inner join persons on activity.person_key = persons.person_key
    group by all
),

periods as (
    select
        cohorts.cohort_start,
        cohorts.cohort_size,
        unnest(range(0, datediff('month', cohorts.cohort_start, data_end.data_end_date) + 1)) as period_number
    from cohorts
    cross join data_end
)

select
    cast(periods.cohort_start as date) as cohort_start,
    periods.period_number,
    periods.cohort_size,
    coalesce(active.active_customers, 0) as active_customers,
    cast(coalesce(active.active_customers, 0) as double) / periods.cohort_size as retention_rate
from periods
left join active
    on periods.cohort_start = active.cohort_start and periods.period_number = active.period_number
"""

RFM_SQL = """
with

orders as (
    select person_key, order_date, is_confirmed_order, net_revenue_usd
    from read_parquet('{path}')
),

observation_end as (
    select max(order_date) as observation_end_date from orders
),

purchase_days as (
    -- one purchase per person and day
    select person_key, order_date, sum(net_revenue_usd) as net_revenue_usd
    from orders
    where is_confirmed_order and order_date <= (select observation_end_date from observation_end)
    group by person_key, order_date
),

numbered as (
    select
        *,
        row_number() over (partition by person_key order by order_date) as purchase_number
    from purchase_days
)

select
    person_key,
    count(*) - 1 as frequency,
    cast(datediff('day', min(order_date), max(order_date)) as double) as recency,
    cast(datediff('day', min(order_date), (select observation_end_date from observation_end)) as double) as "T",
    coalesce(cast(sum(net_revenue_usd) filter (where purchase_number > 1) as double) / nullif(count(*) - 1, 0), 0)
        as monetary_value
from numbered
group by person_key
"""


def compute(orders_path: Path, con: duckdb.DuckDBPyConnection) -> tuple[pa.Table, pa.Table]:
    cohorts = con.sql(COHORT_SQL.format(path=orders_path)).to_arrow_table()
    rfm = con.sql(RFM_SQL.format(path=orders_path)).to_arrow_table()
    return cohorts, rfm
