"""Builds the whole warehouse on a hand-written adapter fixture (python_tests/fixtures/adapters/<system>/:
the vendor's export beside small contract files for the other areas), for the adapter tests."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import DbtRun, run_dbt

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "adapters"


def build_on_fixture(system: str, area: str, work_dir: Path) -> DbtRun:
    """`dbt build` (seeds, models, tests) with var <area>_source = system, the vendor's files and the
    contract's CSV files both read from the fixture folder."""
    folder = FIXTURES / system
    variables = {f"{area}_source": system, "source_data_dirs": {system: str(folder)}}
    return run_dbt(["build", "--vars", json.dumps(variables)], folder, work_dir, raw_format="csv")


def jsonl_rows(system: str, table: str) -> int:
    """Lines (rows) of a fixture's newline-delimited JSON file."""
    return sum(1 for line in (FIXTURES / system / f"{table}.jsonl").read_text().splitlines() if line.strip())
