"""Times the three ways of answering the analyst's two questions on the same input, and checks
each against the marts: a baseline that differs stops the benchmark (BaselineMismatch)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..floor import connect
from . import duckdb_sql, pandas_baseline, polars_baseline
from .compare import COHORT_MATRIX, RFM, check, to_pandas
from .inputs import AnalystInput
from .models_sql import Compiled, run_compiled

ENGINES = ("pandas", "polars", "duckdb_sql")


def engines() -> dict[str, Callable[[Path], tuple[object, object]]]:
    con = connect()  # opened once, before any clock starts
    return {
        "pandas": pandas_baseline.compute,
        "polars": polars_baseline.compute,
        "duckdb_sql": lambda path: duckdb_sql.compute(path, con),
    }


def expected_results(inputs: AnalystInput) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (to_pandas(pd.read_parquet(inputs.expected_cohort_matrix), COHORT_MATRIX),
            to_pandas(pd.read_parquet(inputs.expected_rfm), RFM))


def run_baselines(inputs: AnalystInput, warm_up: bool = False) -> dict[str, object]:
    """Seconds of each engine (read the file, compute both results), after an untimed pass of
    each when warm_up; every timed result is checked against the marts."""
    expected_cohorts, expected_rfm = expected_results(inputs)
    runners = engines()
    if warm_up:
        for compute in runners.values():
            compute(inputs.orders)
    seconds: dict[str, float] = {}
    for engine, compute in runners.items():
        began = time.perf_counter()
        cohorts, rfm = compute(inputs.orders)
        seconds[engine] = time.perf_counter() - began
        check(engine, expected_cohorts, cohorts, COHORT_MATRIX)
        check(engine, expected_rfm, rfm, RFM)
    return {"seconds": seconds, "cohort_matrix_rows": len(expected_cohorts), "rfm_rows": len(expected_rfm),
            "polars_threads": polars_baseline.threads()}


def check_baselines(inputs: AnalystInput) -> None:
    """The equality check alone, untimed: raises BaselineMismatch on the first difference."""
    expected_cohorts, expected_rfm = expected_results(inputs)
    for engine, compute in engines().items():
        cohorts, rfm = compute(inputs.orders)
        check(engine, expected_cohorts, cohorts, COHORT_MATRIX)
        check(engine, expected_rfm, rfm, RFM)


def run_models_sql(inputs: AnalystInput, database: Path, temp_dir: Path,
                   compiled: dict[str, Compiled]) -> dict[str, dict[str, object]]:
    """The nine models' compiled SQL of each variant (models_sql) run on the built warehouse:
    total and per-model seconds and CPU seconds; each variant's answers are checked against the
    marts like the baselines' (so the like-for-like variant is shown to compute the same two
    answers)."""
    expected_cohorts, expected_rfm = expected_results(inputs)
    figures: dict[str, dict[str, object]] = {}
    for variant, sql in compiled.items():
        run = run_compiled(database, sql, temp_dir)
        label = f"{variant.replace('_', ' ')} models' SQL"
        check(label, expected_cohorts, run.answers["cohort_matrix"], COHORT_MATRIX)
        check(label, expected_rfm, run.answers["rfm"], RFM)
        figures[variant] = {"seconds": run.total("seconds"), "cpu_seconds": run.total("cpu_seconds"),
                            "per_model": run.per_model}
    return figures
