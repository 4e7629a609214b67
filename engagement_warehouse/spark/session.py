"""A Spark session with the settings of the profile's spark output (profiles.yml), for
the tools that read the Spark warehouse outside dbt: the same warehouse folder, metastore and
time zone as the build. The profile is rendered the way dbt renders it for these settings
(env_var() with its default)."""

from __future__ import annotations

from pathlib import Path

from ..profile import profile_output
from . import require_spark_extra


def spark_settings(profiles_dir: Path | None = None) -> dict[str, str]:
    """The server_side_parameters of the spark output, rendered."""
    output = profile_output("spark", profiles_dir)
    return {key: str(value) for key, value in output.get("server_side_parameters", {}).items()}


def spark_session(profiles_dir: Path | None = None):
    require_spark_extra()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_settings(profiles_dir).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
