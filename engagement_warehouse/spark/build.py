"""`engagement-warehouse spark-build`: dbt build on the spark target, with the Python models' fits.

One process runs three steps on one Spark session (dbt-spark's session method keeps the session
of the process; Spark's embedded Derby metastore admits one process at a time):
1. `dbt build` of everything that does not read the fits (`--exclude source:python_fits+`),
2. the fits (fits.py), from the tables step 1 built, into the schema of source python_fits,
3. `dbt build --select source:python_fits+`: the SQL models that stand in for the Python models
   on Spark, everything downstream of them, and their tests.
Extra arguments go to both dbt builds (e.g. --target-path, --vars); selection is this command's.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import yaml

from ..contract import SOURCES_YAML
from .fits import SOURCE, run_fits


class SparkBuildError(RuntimeError):
    pass


def _target_path(dbt_args: list[str]) -> Path:
    if "--target-path" in dbt_args:
        return Path(dbt_args[dbt_args.index("--target-path") + 1])
    return Path(os.environ.get("DBT_TARGET_PATH", "target"))


def missing_raw_files() -> list[str]:
    """The contract's raw files missing from a local RAW_DATA_DIR. On Spark a missing file
    surfaces only as Spark failing to infer the schema of the external table (the on-run-start
    hook cannot look at files), so the command checks them first, as the DuckDB hook does."""
    raw_dir = os.environ.get("RAW_DATA_DIR", "data/raw")
    if "://" in raw_dir:
        return []
    file_format = os.environ.get("RAW_DATA_FORMAT", "parquet")
    tables = [table["name"] for table in yaml.safe_load(SOURCES_YAML.read_text())["sources"][0]["tables"]]
    return [str(path) for path in (Path(raw_dir) / f"{table}.{file_format}" for table in tables) if not path.is_file()]


def spark_build(dbt_args: list[str]) -> None:
    from dbt.cli.main import dbtRunner
    from pyspark.sql import SparkSession

    if os.environ.get("DBT_TARGET") != "spark":
        raise SparkBuildError("set DBT_TARGET=spark (the profile's spark output)")
    missing = missing_raw_files()
    if missing:
        raise SparkBuildError("the raw data contract (models/staging/shop/_shop__sources.yml) needs these files: "
                              + ", ".join(missing))
    runner = dbtRunner()

    def dbt_build(*selection: str) -> None:
        began = time.perf_counter()
        result = runner.invoke(["build", *selection, *dbt_args])
        if not result.success:
            raise SparkBuildError(f"dbt build {' '.join(selection)} failed"
                                  + (f": {result.exception}" if result.exception else ""))
        print(f"dbt build {' '.join(selection)}: {time.perf_counter() - began:.0f} s", flush=True)

    dbt_build("--exclude", f"source:{SOURCE}+")
    began = time.perf_counter()
    # the session dbt-spark opened in this process, with the profile's settings
    spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
    for fitted in run_fits(spark, _target_path(dbt_args) / "manifest.json"):
        print(f"fitted {fitted.model}: {fitted.rows:,} rows into {fitted.table}", flush=True)
    print(f"fits: {time.perf_counter() - began:.0f} s", flush=True)
    dbt_build("--select", f"source:{SOURCE}+")
