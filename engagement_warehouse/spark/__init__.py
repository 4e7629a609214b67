"""The Spark side of the warehouse: the build on the spark target with the model fits dbt-spark
cannot run (build.py, fits.py), and the comparison of its marts with DuckDB's (compare.py).

pyspark and dbt-spark are the optional extra `spark` (pyproject.toml), installed by `make
build-spark` and `make test-spark`, not by `make build`: nothing in the package imports them at
module level, and a Spark command without them says so in one line (missing_spark_extra)."""

from __future__ import annotations

import importlib.util

# module to look for, distribution that provides it
SPARK_EXTRA = (("pyspark", "pyspark"), ("dbt.adapters.spark", "dbt-spark"))


class SparkExtraMissing(RuntimeError):
    """pyspark or dbt-spark is not installed."""


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def missing_spark_extra() -> str | None:
    """The one-line message when a distribution of the spark extra is missing, else None."""
    missing = [distribution for module, distribution in SPARK_EXTRA if not _importable(module)]
    if not missing:
        return None
    return (f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed (the optional Spark "
            "dependencies, not part of make build): run `make build-spark` or `make test-spark`, which install "
            "them, or `pip install -c requirements.lock -e '.[spark]'`")


def require_spark_extra() -> None:
    message = missing_spark_extra()
    if message:
        raise SparkExtraMissing(message)
