"""`engagement-warehouse dbt -- <dbt arguments>`: dbt, with the DuckDB errors a user meets in
normal use said in one line (duckdb_errors). The Makefile runs dbt through it.

dbt's output passes through line by line as it comes, except:
- a lock conflict on the warehouse file (a second build, a notebook holding the file): dbt prints
  the error and then three tracebacks of the same error (234 lines for `dbt build`); from the
  error on, nothing of dbt's is printed, only the one line naming the file, the holder and what
  to do;
- out of memory: DuckDB's hint lines that suggest `SET memory_limit` (the profile sets it from
  DUCKDB_MEMORY_LIMIT) are left out, dbt's report of the failed model is kept, and the one line
  naming DUCKDB_MEMORY_LIMIT comes at the end.
The exit code is dbt's (2 when dbt could not open the warehouse).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from .duckdb_errors import OUT_OF_MEMORY_HINT, lock_conflict, out_of_memory
from .profile import profile_target

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# dbt's line before a run-level error: held back until the next line says whether it is a lock
# conflict (then left out, the one line says it all).
ENCOUNTERED = re.compile(r"Encountered an error:\s*$")


def dbt_executable() -> str:
    """The dbt of this environment (the project's virtual env), beside its Python."""
    return str(Path(sys.executable).with_name("dbt"))


def dbt_target(args: list[str]) -> str | None:
    """The profile output dbt will use: --target / -t, else the profile's target; None when the
    profile cannot be read here (dbt then says what is wrong with it)."""
    for flag in ("--target", "-t"):
        if flag in args[:-1]:
            return args[args.index(flag) + 1]
        for arg in args:
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    try:
        return profile_target()
    except Exception:  # a missing or broken profile, another --profiles-dir: dbt's to report
        return None


def run_dbt(args: list[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    # unbuffered: dbt's progress lines come through as they are written, not in blocks
    process = subprocess.Popen([dbt_executable(), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, bufsize=1, errors="replace", env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    try:
        lock, memory = _relay(process.stdout, out)
    except KeyboardInterrupt:  # Ctrl-C reaches dbt too (the same process group): let it stop, no traceback
        return process.wait() or 130
    code = process.wait()
    out.flush()
    if lock or (memory and code):
        print(f"engagement-warehouse dbt: {lock or memory}", file=err, flush=True)
        return code or 2
    return code


def _relay(lines, out: TextIO) -> tuple[str | None, str | None]:
    """Copies dbt's lines to out but for the ones described in the module docstring; returns the
    one-line explanation of a lock conflict and of running out of memory, if either was seen."""
    lock: str | None = None
    memory: str | None = None
    held: str | None = None
    for line in lines:
        if lock:
            continue
        plain = ANSI.sub("", line)
        lock = lock_conflict(plain)
        if lock:
            held = None
            continue
        memory = memory or out_of_memory(plain)
        if OUT_OF_MEMORY_HINT.match(plain):
            continue
        if held is not None:
            out.write(held)
            held = None
        if ENCOUNTERED.search(plain):
            held = line
            continue
        out.write(line)
        out.flush()
    if held is not None:
        out.write(held)
    return lock, memory
