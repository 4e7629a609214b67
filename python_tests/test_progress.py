"""Progress of the long commands: a line per step in a captured (non-TTY) run, a bar redrawn in
place on a terminal, nothing when turned off."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import duckdb
import pytest

from engagement_warehouse.progress import Progress, ProgressSettingsError

from .conftest import PROJECT_DIR


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("CI", "ENGAGEMENT_WAREHOUSE_PROGRESS")}
    return subprocess.run([sys.executable, "-m", "engagement_warehouse", *args], cwd=PROJECT_DIR,
                          env={**environment, **env}, capture_output=True, text=True, timeout=600)


def test_a_captured_generate_prints_a_line_per_step_on_stderr(tmp_path):
    run = cli("generate", "--out", str(tmp_path / "raw"), "--scale", "0.001", "--seed", "5")
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        "generate [1/8] people",
        "generate [2/8] catalogue",
        "generate [3/8] orders",
        "generate [4/8] feedback",
        "generate [5/8] marketing spend and privacy requests",
        "generate [6/8] tables other than events",
        "generate [7/8] events",
        "generate [8/8] writing events",
    ]
    assert "generate [" not in run.stdout and run.stdout.splitlines()[-1].startswith("generated ")


def test_a_captured_export_prints_a_line_per_mart(tmp_path):
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.fct_orders as select 1 as order_id")
        con.execute("create table marts.dim_customers as select 1 as customer_id")
    run = cli("export", "--database", str(database), "--out", str(tmp_path / "exports"))
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == ["export [1/2] dim_customers", "export [2/2] fct_orders"]
    quiet = cli("export", "--database", str(database), "--out", str(tmp_path / "exports"),
                ENGAGEMENT_WAREHOUSE_PROGRESS="off")
    assert quiet.returncode == 0 and quiet.stderr == ""
    in_ci = cli("export", "--database", str(database), "--out", str(tmp_path / "exports"), CI="true")
    assert in_ci.stderr.splitlines() == ["export [1/2] dim_customers", "export [2/2] fct_orders"]


def test_on_a_terminal_one_bar_is_redrawn_in_place(monkeypatch):
    # as on a developer's terminal, also when the tests themselves run in CI
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("ENGAGEMENT_WAREHOUSE_PROGRESS", raising=False)
    terminal = Terminal()
    progress = Progress("export", stream=terminal)
    assert progress.mode == "bar"
    progress.start(4)
    progress.step("a")
    progress.step("b")
    progress.clear()
    progress.step("c")
    progress.step("d")
    progress.finish()
    assert terminal.getvalue() == (
        "\r\x1b[Kexport [....................] 1/4 a"
        "\r\x1b[Kexport [#####...............] 2/4 b"
        "\r\x1b[K"
        "\r\x1b[Kexport [##########..........] 3/4 c"
        "\r\x1b[Kexport [###############.....] 4/4 d"
        "\r\x1b[Kexport [####################] 4/4 done\n")


def test_ci_or_a_pipe_gets_lines_and_a_wrong_setting_is_named(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert Progress("quality", stream=Terminal()).mode == "lines"
    monkeypatch.delenv("CI")
    assert Progress("quality", stream=io.StringIO()).mode == "lines"
    monkeypatch.setenv("ENGAGEMENT_WAREHOUSE_PROGRESS", "loud")
    with pytest.raises(ProgressSettingsError, match="ENGAGEMENT_WAREHOUSE_PROGRESS='loud': expected one of bar, lines, off"):
        Progress("quality", stream=io.StringIO())
