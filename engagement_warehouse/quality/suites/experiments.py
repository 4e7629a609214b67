"""Suites of models/marts/experiments: experiment_results, experiment_health."""

from __future__ import annotations

from . import (
    MartSuite,
    at_least_zero,
    between,
    timestamps,
)

experiment_results = MartSuite(
    mart="experiment_results",
    grain=("experiment_id", "variant", "metric_name"),
    expectations=(
        *at_least_zero("units", "eligible_units", "sd_value"),
        between("p_value", 0, 1),
        between("cuped_p_value", 0, 1),
        *timestamps("start_date"),
    ),
)


experiment_health = MartSuite(
    mart="experiment_health",
    grain=("experiment_id", "variant"),
    expectations=(
        *at_least_zero("assigned_units", "expected_units", "srm_chi_square"),
        between("experiment_units", min_value=1),
        between("srm_p_value", 0, 1),
        *timestamps("start_date", "end_date"),
    ),
)

SUITES = [experiment_results, experiment_health]
