"""`engagement-warehouse spark-build --without-fits`: the daily run of make test-spark builds only
what does not read the fits (the first of spark-build's dbt builds), without a Spark session."""

from __future__ import annotations

import sys
import types

from engagement_warehouse import cli
from engagement_warehouse.spark import build


def test_without_fits_runs_only_the_build_of_what_does_not_read_the_fits(monkeypatch):
    invoked = []

    class Runner:
        def invoke(self, args):
            invoked.append(args)
            return types.SimpleNamespace(success=True, exception=None)

    spark_sql = types.ModuleType("pyspark.sql")
    spark_sql.SparkSession = None  # reached only by the fits, which must not run
    monkeypatch.setenv("DBT_TARGET", "spark")
    monkeypatch.setattr(build, "require_spark_extra", lambda: None)
    monkeypatch.setattr(build, "raw_file_settings", lambda: {})
    monkeypatch.setattr("dbt.cli.main.dbtRunner", Runner)
    monkeypatch.setitem(sys.modules, "pyspark", types.ModuleType("pyspark"))
    monkeypatch.setitem(sys.modules, "pyspark.sql", spark_sql)

    build.spark_build(["--target-path", "target/x"], with_fits=False)

    assert invoked == [["build", "--exclude", "source:python_fits+", "--target-path", "target/x"]]


def test_the_cli_passes_without_fits_and_the_dbt_arguments(monkeypatch):
    calls = []
    monkeypatch.setattr(build, "spark_build", lambda dbt_args, with_fits=True: calls.append((dbt_args, with_fits)))

    assert cli.main(["spark-build", "--without-fits", "--", "--target-path", "t"]) == 0
    assert cli.main(["spark-build", "--", "--target-path", "t"]) == 0

    assert calls == [(["--target-path", "t"], False), (["--target-path", "t"], True)]
