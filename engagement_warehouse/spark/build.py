"""`engagement-warehouse spark-build`: dbt build on the spark target, with the Python models' fits.

One process runs three steps on one Spark session (dbt-spark's session method keeps the session
of the process; Spark's embedded Derby metastore admits one process at a time):
1. `dbt build` of everything that does not read the fits (`--exclude source:python_fits+`),
2. the fits (fits.py) whose inputs step 1 built, into the schema of source python_fits,
3. `dbt build --select source:python_fits.<those fits>+`: the SQL models that stand in for them
   on Spark (models/intermediate/fits/spark), everything downstream of them (the marts that
   select from the fits), and their tests - but what reads a fit not made yet;
then steps 2 and 3 again for the fits whose inputs read an earlier fit (fits.fit_rounds: the
churn model's features read the comment sentiment, itself a fit).
Extra arguments go to both dbt builds (e.g. --target-path, --vars); selection is this command's.
With `with_fits=False` (`--without-fits`) only step 1 runs: a daily run that leaves the fits and
what reads them as the last full build made them (make test-spark's incremental step).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..raw_files import RawFilesError, find_raw_files, is_demo_data, raw_data_dir
from . import require_spark_extra
from .fits import SOURCE, fit_rounds, run_fits


class SparkBuildError(RuntimeError):
    pass


def _target_path(dbt_args: list[str]) -> Path:
    if "--target-path" in dbt_args:
        return Path(dbt_args[dbt_args.index("--target-path") + 1])
    return Path(os.environ.get("DBT_TARGET_PATH", "target"))


def raw_file_settings() -> dict[str, str]:
    """The environment the dbt hook needs on Spark, whose SQL cannot look at the raw folder: each
    table's format or `absent` (RAW_FILE_FORMATS) and whether the folder holds demo data
    (RAW_DATA_IS_DEMO), found by the rules the DuckDB hook applies (engagement_warehouse.raw_files).
    A remote RAW_DATA_DIR (a URI) cannot be looked at either: every table is then expected in
    RAW_DATA_FORMAT (default parquet)."""
    raw_dir = raw_data_dir()
    forced = os.environ.get("RAW_DATA_FORMAT", "")
    if "://" in raw_dir:
        return {"RAW_FILE_FORMATS": "", "RAW_DATA_IS_DEMO": os.environ.get("RAW_DATA_IS_DEMO", "false")}
    try:
        formats = find_raw_files(raw_dir, forced)
    except RawFilesError as error:
        raise SparkBuildError(str(error)) from None
    return {"RAW_FILE_FORMATS": ",".join(f"{table}={fmt}" for table, fmt in formats.items()),
            "RAW_DATA_IS_DEMO": "true" if is_demo_data(raw_dir) else "false"}


def check_salt_for_spark() -> None:
    """Spark puts PII_HASH_SALT into a SQL string literal (${env:PII_HASH_SALT}, macro
    pii_hash_salt_sql), where a quote would end the literal and a backslash would escape the next
    character: the hashes would differ from DuckDB's for the same salt. Such a salt is refused."""
    salt = os.environ.get("PII_HASH_SALT", "")
    if "'" in salt or "\\" in salt:
        raise SparkBuildError("PII_HASH_SALT holds a quote (') or a backslash (\\), which Spark would read as SQL "
                              "in the string literal it substitutes the salt into: choose a salt without them, e.g. "
                              "`openssl rand -hex 32` (hexadecimal digits only)")


def spark_build(dbt_args: list[str], with_fits: bool = True) -> None:
    if os.environ.get("DBT_TARGET") != "spark":
        raise SparkBuildError("set DBT_TARGET=spark (the profile's spark output)")
    check_salt_for_spark()
    require_spark_extra()
    from dbt.cli.main import dbtRunner
    from pyspark.sql import SparkSession

    os.environ.update(raw_file_settings())
    runner = dbtRunner()

    def dbt_build(*selection: str) -> None:
        began = time.perf_counter()
        result = runner.invoke(["build", *selection, *dbt_args])
        if not result.success:
            raise SparkBuildError(f"dbt build {' '.join(selection)} failed"
                                  + (f": {result.exception}" if result.exception else ""))
        print(f"dbt build {' '.join(selection)}: {time.perf_counter() - began:.0f} s", flush=True)

    dbt_build("--exclude", f"source:{SOURCE}+")
    if not with_fits:
        return
    # the session dbt-spark opened in this process, with the profile's settings
    spark = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
    manifest = _target_path(dbt_args) / "manifest.json"
    rounds = fit_rounds(manifest)
    for number, fits in enumerate(rounds):
        began = time.perf_counter()
        for fitted in run_fits(spark, manifest, fits):
            print(f"fitted {fitted.model}: {fitted.rows:,} rows into {fitted.table}", flush=True)
        print(f"fits: {time.perf_counter() - began:.0f} s", flush=True)
        later = [fit for later_fits in rounds[number + 1:] for fit in later_fits]
        dbt_build("--select", *(f"source:{SOURCE}.{fit}+" for fit in fits),
                  *(["--exclude", *(f"source:{SOURCE}.{fit}+" for fit in later)] if later else []))
