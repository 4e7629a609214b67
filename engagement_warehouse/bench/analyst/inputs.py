"""The analyst's input and the marts' answers, taken from a freshly built warehouse.

The input is `fct_orders` exported to Parquet exactly as `engagement-warehouse export` writes it
(`copy (select * from marts.fct_orders) to ... (format parquet, compression zstd)`): the file an
analyst is given. pandas, polars and the warehouse's own SQL all read that one file, each reading
only the four columns the computation needs (person_key, order_date, is_confirmed_order,
net_revenue_usd); reading it is part of every engine's timed work.

The expected answers are the marts' rows for the same questions: `cohort_retention` for segment
all and the monthly grain, and `customer_rfm`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..measure import BenchError

ORDER_COLUMNS = ("person_key", "order_date", "is_confirmed_order", "net_revenue_usd")
COHORT_KEYS = ("cohort_start", "period_number")
COHORT_COLUMNS = (*COHORT_KEYS, "cohort_size", "active_customers", "retention_rate")
RFM_KEYS = ("person_key",)
# lifetimes' names; the mart calls T customer_age
RFM_COLUMNS = (*RFM_KEYS, "frequency", "recency", "T", "monetary_value")


@dataclass
class AnalystInput:
    orders: Path
    expected_cohort_matrix: Path
    expected_rfm: Path


def export_inputs(database: Path, folder: Path) -> AnalystInput:
    """Writes fct_orders and the marts' answers to Parquet files in folder (replacing them)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = AnalystInput(folder / "fct_orders.parquet", folder / "expected_cohort_matrix.parquet",
                         folder / "expected_rfm.parquet")
    with duckdb.connect(str(database), read_only=True) as con:
        units = con.execute("select distinct time_unit from marts.customer_rfm").fetchall()
        if units not in ([], [("day",)]):
            raise BenchError(f"customer_rfm is in {units}: the analyst baselines compute RFM at day unit "
                             "(var clv_time_unit: day)")
        ends = con.execute("""
            select distinct rfm.observation_end_date, orders.last_order_date
            from marts.customer_rfm as rfm
            cross join (select max(order_date) as last_order_date from marts.fct_orders) as orders
        """).fetchall()
        if any(mart_end != last_order for mart_end, last_order in ends):
            raise BenchError(f"customer_rfm's observation end {ends[0][0]} is not the last order date {ends[0][1]} "
                             "(var clv_observation_end is set): the analyst baselines observe to the last order date")
        con.execute(f"copy (select * from marts.fct_orders) to '{paths.orders}' (format parquet, compression zstd)")
        for name, path in (("cohort_matrix", paths.expected_cohort_matrix), ("rfm", paths.expected_rfm)):
            sql = answer_sql("marts.cohort_retention", "marts.customer_rfm")[name]
            con.execute(f"copy ({sql}) to '{path}' (format parquet)")
    return paths


def answer_sql(cohort_retention: str, customer_rfm: str) -> dict[str, str]:
    """The analyst's two answers as the marts hold them (relations named by the caller): the
    cohort matrix is cohort_retention's segment all at the month grain; T is customer_age."""
    return {
        "cohort_matrix": f"""
            select cohort_start, period_number, cohort_size, active_customers, retention_rate
            from {cohort_retention}
            where segment_type = 'all' and cohort_grain = 'month'
            order by cohort_start, period_number
        """,
        "rfm": f"""
            select person_key, frequency, recency, customer_age as "T", monetary_value
            from {customer_rfm}
            order by person_key
        """,
    }
