"""The demo raw folder defined once (var raw_data_dir_default of dbt_project.yml)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def test_the_demo_raw_folder_is_defined_once():
    project = (PROJECT_DIR / "dbt_project.yml").read_text()
    assert re.findall(r"^  raw_data_dir_default: (.*)$", project, re.M) == ["data/raw"]
    # where a default for it was written before: the Makefile, the CLI, spark-build, the macro
    places = [PROJECT_DIR / "Makefile", *sorted((PROJECT_DIR / "engagement_warehouse").rglob("*.py")),
              *sorted((PROJECT_DIR / "macros").rglob("*.sql")), *sorted((PROJECT_DIR / "models").rglob("*.yml"))]
    assert [str(p.relative_to(PROJECT_DIR)) for p in places if "data/raw" in p.read_text()] == []
    # and they read it: the Makefile's demo folder, the CLI's default
    run = subprocess.run(["make", "-n", "-o", ".venv/.installed", "data"], cwd=PROJECT_DIR, capture_output=True,
                         text=True, timeout=60)
    assert "generate --out data/raw --scale" in run.stdout, run.stdout + run.stderr
    from engagement_warehouse.cli import build_parser
    assert build_parser().parse_args(["generate"]).out == "data/raw"
    assert build_parser().parse_args(["append-day"]).out == "data/raw"
