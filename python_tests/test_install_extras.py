"""What each make target installs (the main dependencies for make build, the spark and dev extras
for the targets that use them), the Spark commands without the spark extra, and the demo raw
folder defined once (var raw_data_dir_default of dbt_project.yml)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
PIP = "-m pip install --quiet -c requirements.lock"


def make_dry_run(target: str, venv: Path) -> list[str]:
    """The pip install lines `make -n <target>` would run on a fresh virtual env."""
    run = subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=PROJECT_DIR, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    return [line.split(PIP, 1)[1].strip() for line in run.stdout.splitlines() if PIP in line]


@pytest.mark.parametrize(("target", "installs"), [
    ("build", ["-e ."]),
    ("build-spark", ["-e .", '-e ".[spark]"']),
    ("test-spark", ["-e .", '-e ".[spark]"']),
    ("test", ["-e .", '-e ".[dev]"']),
    ("bench", ["-e .", '-e ".[dev]"']),
])
def test_each_target_installs_only_what_it_needs(target, installs, tmp_path):
    assert make_dry_run(target, tmp_path / "venv") == installs


# A finder ahead of the installed packages: pyspark and dbt-spark look absent, as in a virtual env
# that make build made.
WITHOUT_SPARK = """
import sys
class NoSpark:
    def find_spec(self, name, path=None, target=None):
        if name == "pyspark" or name.startswith(("pyspark.", "dbt.adapters.spark")):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, NoSpark())
from engagement_warehouse.cli import main
sys.exit(main(sys.argv[1:]))
"""

MISSING = ("pyspark and dbt-spark are not installed (the optional Spark dependencies, not part of make build): "
           "run `make build-spark` or `make test-spark`, which install them, or "
           "`pip install -c requirements.lock -e '.[spark]'`")


@pytest.mark.parametrize(("args", "command"), [
    (["spark-build"], "spark-build"),
    (["compare-engines", "--duckdb", "nowhere.duckdb"], "compare-engines"),
    (["dbt", "--", "build", "--target", "spark"], "dbt"),
])
def test_a_spark_command_without_the_spark_extra_says_how_to_install_it(args, command, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DBT_TARGET": "spark", "RAW_DATA_DIR": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", WITHOUT_SPARK, *args], cwd=PROJECT_DIR, env=env,
                         capture_output=True, text=True, timeout=120)
    assert (run.returncode, run.stdout, run.stderr) == (2, "", f"engagement-warehouse {command}: {MISSING}\n")


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


def test_only_the_dashboards_and_pytest_install_the_superset_environment(tmp_path):
    def dry_run(target: str) -> str:
        run = subprocess.run(["make", "-n", target, f"VENV={tmp_path / 'venv'}",
                              f"SUPERSET_VENV={tmp_path / 'superset_env'}"],
                             cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout

    install = "-m pip install --quiet --no-deps -r requirements-superset.lock"
    assert install not in dry_run("build")
    assert install in dry_run("dashboards")
    assert install in dry_run("pytest")
