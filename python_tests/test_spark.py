"""The Spark tooling without starting Spark: the comparison of marts between engines, the profile
settings the tools read, and the SQL models that stand in for the Python models on Spark (the
Spark build itself runs in `make test-spark`)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from engagement_warehouse.spark.compare import compare_tables
from engagement_warehouse.spark.fits import _typed
from engagement_warehouse.spark.session import spark_settings

PROJECT_DIR = Path(__file__).resolve().parents[1]
FITS = PROJECT_DIR / "models/intermediate/fits"
# the YAML that lists each fit's columns: the mart that selects it (some fits their own: the columns
# only the fit has)
COLUMNS_OF = {"int_clv_model_params_fitted": "int_clv_model_params_fitted", "int_clv_backtest_fitted": "int_clv_backtest_fitted",
              "int_cohort_retention_projected": "retention_projection",
              "int_persons_clv_scored": "int_persons_clv_scored",
              "int_churn_model_evaluated": "int_churn_model_evaluated",
              "int_churn_model_params_fitted": "int_churn_model_params_fitted",
              "int_persons_churn_scored": "int_persons_churn_scored",
              "int_feedback_sentiment_scored": "int_feedback_sentiment_scored",
              "int_sentiment_model_evaluated": "int_sentiment_model_evaluated",
              "int_sentiment_classifier_params_fitted": "int_sentiment_classifier_params_fitted",
              "int_engagement_weights_suggested": "int_engagement_weights_suggested"}


def mart(keys: list[str], amounts: list[str], rates: list[float], loaded: list[str] | None = None) -> pa.Table:
    columns = {
        "order_id": pa.array(keys),
        "net_revenue_usd": pa.array([Decimal(a) for a in amounts], pa.decimal128(18, 2)),
        "credit": pa.array(rates, pa.float64()),
    }
    if loaded:
        columns["loaded_at"] = pa.array(loaded)
    return pa.table(columns)


def test_equal_marts_match_whatever_the_row_order_and_load_time():
    duck = mart(["a", "b"], ["1.10", "2.20"], [0.5, 0.25], loaded=["t1", "t1"])
    spark = mart(["b", "a"], ["2.20", "1.10"], [0.25, 0.5], loaded=["t2", "t2"])
    result = compare_tables("fct_orders", duck, spark, ["order_id"])
    assert result.matches, result.line()
    assert result.line() == "fct_orders: match (2 rows, key order_id)"


def test_a_cent_differs_and_a_last_bit_does_not():
    duck = mart(["a", "b"], ["1.10", "2.20"], [0.1 + 0.2, 0.25])
    spark = mart(["a", "b"], ["1.10", "2.21"], [0.3, 0.25])
    result = compare_tables("fct_orders", duck, spark, ["order_id"])
    assert not result.matches
    assert result.problems == ["net_revenue_usd differs on 1 rows (e.g. b: 2.20 vs 2.21)"]


def test_missing_and_extra_keys_are_counted():
    result = compare_tables("fct_orders", mart(["a", "b"], ["1", "2"], [0.5, 0.5]),
                            mart(["a", "c", "d"], ["1", "2", "3"], [0.5, 0.5, 0.5]), ["order_id"])
    assert "row counts 2 (DuckDB) vs 3 (Spark)" in result.problems
    assert "1 keys only on DuckDB, 2 only on Spark" in result.problems


def test_a_mart_without_a_key_is_compared_as_a_multiset():
    duck = mart(["a", "a"], ["1.00", "1.00"], [0.5, 0.5])
    assert compare_tables("m", duck, duck, None).matches
    result = compare_tables("m", duck, mart(["a"], ["1.00"], [0.5]), None)
    assert "1 rows only on DuckDB, 0 only on Spark" in result.problems


def test_spark_timestamps_with_a_zone_compare_to_duckdb_timestamps_without():
    naive = pa.table({"k": ["a"], "ts": pa.array([1_700_000_000_000_000], pa.timestamp("us"))})
    utc = pa.table({"k": ["a"], "ts": pa.array([1_700_000_000_000_000], pa.timestamp("us", tz="UTC"))})
    assert compare_tables("m", naive, utc, ["k"]).matches


def test_a_column_of_nulls_is_written_as_text():
    table = _typed(pa.table({"a": pa.array([None, None]), "b": [1, 2]}))
    assert table.schema.field("a").type == pa.string() and table.column("a").null_count == 2


def test_profile_settings_follow_the_environment(monkeypatch):
    monkeypatch.setenv("SPARK_WAREHOUSE_DIR", "/some/where")
    monkeypatch.setenv("DBT_PROFILES_DIR", str(PROJECT_DIR))
    settings = spark_settings()
    assert settings["spark.sql.warehouse.dir"] == "/some/where"
    assert "databaseName=/some/where/metastore_db" in settings["spark.hadoop.javax.jdo.option.ConnectionURL"]
    assert settings["spark.sql.session.timeZone"] == "UTC"


def yaml_columns(model: str) -> list[str]:
    for path in PROJECT_DIR.glob("models/**/*.yml"):
        for entry in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            if entry["name"] == model:
                return [column["name"] for column in entry.get("columns", [])]
    raise LookupError(model)


def test_the_python_and_spark_folders_hold_the_same_fits():
    assert sorted(p.stem for p in (FITS / "python").glob("*.py")) == sorted(COLUMNS_OF)
    assert sorted(p.stem for p in (FITS / "spark").glob("*.sql")) == sorted(COLUMNS_OF)


@pytest.mark.parametrize("name", sorted(COLUMNS_OF))
def test_each_python_model_has_a_spark_sql_model_with_its_columns(name):
    sql = (FITS / "spark" / f"{name}.sql").read_text()
    assert f"source('python_fits', '{name}')" in sql
    assert re.findall(r"cast\(\w+ as \w+\) as (\w+)", sql) == yaml_columns(COLUMNS_OF[name])
