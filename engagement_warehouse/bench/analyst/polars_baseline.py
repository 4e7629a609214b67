"""The cohort retention matrix and the RFM summary as an analyst writes them in polars: one lazy
scan of the orders export, both results collected together (`collect_all` shares the scan).

Same definitions as the pandas baseline (see its docstring). polars sizes its thread pool when
it is first imported: unless POLARS_MAX_THREADS is set, it gets DuckDB's thread count
(DUCKDB_THREADS, default 2), so neither engine has more cores than the other.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ..floor import duckdb_settings
from .inputs import ORDER_COLUMNS

os.environ.setdefault("POLARS_MAX_THREADS", duckdb_settings()["threads"])

import polars as pl  # noqa: E402  (after the thread count is set)

MONTH = pl.col("order_date").dt.year().cast(pl.Int64) * 12 + pl.col("order_date").dt.month().cast(pl.Int64) - 1


def compute(orders_path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    orders = (
        pl.scan_parquet(orders_path)
        .select(ORDER_COLUMNS)
        .with_columns(pl.col("net_revenue_usd").cast(pl.Float64))
    )
    cohorts, rfm = pl.collect_all([cohort_matrix(orders), rfm_summary(orders)])
    return cohorts, rfm


def threads() -> int:
    return pl.thread_pool_size()


def cohort_matrix(orders: pl.LazyFrame) -> pl.LazyFrame:
    """cohort_start, period_number, cohort_size, active_customers, retention_rate: every cohort's
    periods from 0 to the month holding the last day of data, inactive periods included."""
    months = (
        orders
        .with_columns(last_month=MONTH.max())  # the last day of data: orders of any status
        .filter(pl.col("is_confirmed_order"))
        .select("person_key", "last_month", month=MONTH)
        .unique()
        .with_columns(cohort=pl.col("month").min().over("person_key"))
        .with_columns(period_number=pl.col("month") - pl.col("cohort"))
    )
    active = months.group_by("cohort", "period_number").agg(active_customers=pl.len())
    return (
        months.group_by("cohort").agg(cohort_size=pl.col("person_key").n_unique(), last_month=pl.col("last_month").first())
        .with_columns(period_number=pl.int_ranges(0, pl.col("last_month") - pl.col("cohort") + 1))
        .explode("period_number")
        .join(active, on=["cohort", "period_number"], how="left")
        .with_columns(pl.col("active_customers").fill_null(0))
        .select(
            cohort_start=pl.date(pl.col("cohort") // 12, pl.col("cohort") % 12 + 1, 1),
            period_number="period_number",
            cohort_size="cohort_size",
            active_customers="active_customers",
            retention_rate=pl.col("active_customers") / pl.col("cohort_size"),
        )
    )


def rfm_summary(orders: pl.LazyFrame, observation_end: date | None = None) -> pl.LazyFrame:
    """person_key, frequency, recency, T, monetary_value (days), observed to `observation_end`
    (default: the last order date of any status)."""
    end = pl.lit(observation_end) if observation_end else pl.col("order_date").max()
    days = (
        orders
        .with_columns(observation_end=end)
        .filter(pl.col("is_confirmed_order") & (pl.col("order_date") <= pl.col("observation_end")))
        # one purchase per person and day
        .group_by("person_key", "order_date")
        .agg(pl.col("net_revenue_usd").sum(), pl.col("observation_end").first())
    )
    first = pl.col("order_date").min()
    return (
        days.group_by("person_key")
        .agg(
            frequency=pl.len() - 1,
            recency=(pl.col("order_date").max() - first).dt.total_days().cast(pl.Float64),
            T=(pl.col("observation_end").first() - first).dt.total_days().cast(pl.Float64),
            monetary_value=pl.col("net_revenue_usd").filter(pl.col("order_date") != first).mean().fill_null(0.0),
        )
    )
