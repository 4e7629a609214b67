"""Which file holds each raw table, for engines whose SQL cannot look at a folder (Spark).

On DuckDB the dbt hook register_raw_files finds the files itself; `engagement-warehouse
spark-build` uses this module to apply the same rules before dbt starts and hands the result to
the hook (RAW_FILE_FORMATS, RAW_DATA_IS_DEMO): a table is `<table>.parquet` or `<table>.csv`
(RAW_DATA_FORMAT forces one), an optional table may be absent or empty, and the generator's
marker file says the folder holds demo data."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from .contract import PROJECT_DIR, SOURCES_YAML

DEMO_MARKER = "_generation.json"
DBT_PROJECT_YML = PROJECT_DIR / "dbt_project.yml"


class RawFilesError(RuntimeError):
    """The folder does not meet the raw data contract."""


@dataclass(frozen=True)
class RawTable:
    name: str
    optional: bool


def default_raw_dir(project_yml: Path = DBT_PROJECT_YML) -> str:
    """The demo folder: var raw_data_dir_default of dbt_project.yml, the one definition (dbt's
    macro raw_data_dir and the Makefile read it too)."""
    return str(yaml.safe_load(project_yml.read_text(encoding="utf-8"))["vars"]["raw_data_dir_default"])


def raw_data_dir() -> str:
    """The folder of the raw files, as dbt's macro raw_data_dir finds it: RAW_DATA_DIR, else the demo folder."""
    return os.environ.get("RAW_DATA_DIR", default_raw_dir())


def contract_tables(sources_yaml: Path = SOURCES_YAML) -> list[RawTable]:
    tables = yaml.safe_load(sources_yaml.read_text(encoding="utf-8"))["sources"][0]["tables"]
    return [RawTable(t["name"], bool(t.get("meta", {}).get("optional"))) for t in tables]


def find_raw_files(raw_dir: str | Path, forced_format: str = "") -> dict[str, str]:
    """Each contract table's format (parquet or csv), or `absent` for an optional table that has
    no file or an empty one. Raises RawFilesError naming every missing or ambiguous file."""
    folder = Path(raw_dir)
    formats = [forced_format] if forced_format else ["parquet", "csv"]
    if forced_format not in ("", "parquet", "csv"):
        raise RawFilesError(f"RAW_DATA_FORMAT must be parquet or csv (or unset), not '{forced_format}'")
    found: dict[str, str] = {}
    problems: list[str] = []
    for table in contract_tables():
        files = [folder / f"{table.name}.{fmt}" for fmt in formats if (folder / f"{table.name}.{fmt}").is_file()]
        if len(files) > 1:
            problems.append(f"both {' and '.join(map(str, files))}: remove one, or set RAW_DATA_FORMAT to choose")
        elif not files or files[0].stat().st_size == 0:
            if table.optional:
                found[table.name] = "absent"
            else:
                looked = " and ".join(str(folder / f"{table.name}.{fmt}") for fmt in formats)
                problems.append(f"missing {table.name}: looked for {looked}" if not files
                                else f"{files[0]} is an empty file: the table {table.name} is required")
        else:
            found[table.name] = files[0].suffix.lstrip(".")
    if problems:
        raise RawFilesError(f"the raw files in RAW_DATA_DIR={raw_dir} do not meet the raw data contract "
                            "(docs/raw_contract.md):\n  - " + "\n  - ".join(problems))
    return found


def is_demo_data(raw_dir: str | Path) -> bool:
    return (Path(raw_dir) / DEMO_MARKER).is_file()
