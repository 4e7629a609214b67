"""A Spark session with the settings of the profile's spark output (profiles/profiles.yml), for
the tools that read the Spark warehouse outside dbt: the same warehouse folder, metastore and
time zone as the build. The profile is rendered the way dbt renders it for these settings
(env_var() with its default)."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import yaml

PROFILE = "latam_engagement"
OUTPUT = "spark"


class ProfileError(RuntimeError):
    pass


def _env_var(name: str, default: str | None = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise ProfileError(f"profiles.yml reads environment variable {name}, which is not set")
    return default


def spark_settings(profiles_dir: Path | None = None) -> dict[str, str]:
    """The server_side_parameters of the spark output, rendered."""
    folder = Path(profiles_dir or os.environ.get("DBT_PROFILES_DIR", "profiles"))
    text = jinja2.Template((folder / "profiles.yml").read_text()).render(env_var=_env_var)
    output = yaml.safe_load(text)[PROFILE]["outputs"][OUTPUT]
    return {key: str(value) for key, value in output.get("server_side_parameters", {}).items()}


def spark_session(profiles_dir: Path | None = None):
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_settings(profiles_dir).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
