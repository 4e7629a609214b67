"""Builds the whole warehouse on a hand-written adapter fixture (python_tests/fixtures/adapters/<system>/:
the vendor's export beside small contract files for the other areas), for the adapter tests."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import DbtRun, run_dbt

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "adapters"


def build_on_fixture(system: str, area: str, work_dir: Path, selection: list[str] = (),
                     more_vars: dict | None = None) -> DbtRun:
    """`dbt build` (seeds, models, tests; all unless `selection` says otherwise) with var
    <area>_source = system, the vendor's files and the contract's CSV files both read from the
    fixture folder."""
    folder = FIXTURES / system
    variables = {f"{area}_source": system, "source_data_dirs": {system: str(folder)}, **(more_vars or {})}
    return run_dbt(["build", *selection, "--vars", json.dumps(variables)], folder, work_dir, raw_format="csv")


def clean_event(run: DbtRun, event_id: str) -> dict:
    """The one clean row of an event in stg_shop__events, by column name."""
    names = [name for (name,) in run.query(
        "select column_name from duckdb_columns() where schema_name = 'staging' "
        "and table_name = 'stg_shop__events' order by column_index")]
    rows = run.query(f"select * from staging.stg_shop__events where event_id = '{event_id}'")
    assert len(rows) == 1, (event_id, rows)
    return dict(zip(names, rows[0]))


def jsonl_rows(system: str, table: str) -> int:
    """Lines (rows) of a fixture's newline-delimited JSON file."""
    return sum(1 for line in (FIXTURES / system / f"{table}.jsonl").read_text().splitlines() if line.strip())


def vendor_row_outcomes(run: DbtRun, system: str, table: str, contract_table: str) -> tuple[int, ...]:
    """(raw rows of the fixture's JSON-lines file, rows the adapter carries, rows it rejects; of the
    carried rows in base_shop__<contract_table>: clean, rejected by the contract's rules, collapsed
    as re-delivered copies)."""
    carried = run.query(f"select count(*) from staging.stg_{system}__{contract_table}")[0][0]
    rejected = run.query(f"select count(*) from staging.stg_{system}__rejected_rows "
                         f"where source_table = '{system}.{table}'")[0][0]
    clean, broken, collapsed = run.query(f"""
        select count(*) filter (where rejection_rule is null),
            count(*) filter (where rejection_rule <> 'duplicate_key_superseded'),
            count(*) filter (where rejection_rule = 'duplicate_key_superseded')
        from staging.base_shop__{contract_table}""")[0]
    return jsonl_rows(system, table), carried, rejected, clean, broken, collapsed
