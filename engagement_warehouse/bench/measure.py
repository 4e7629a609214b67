"""Measuring one child process: wall time and peak memory, and the median / min / max of runs.

Each measured command (the generator, `dbt parse`, `dbt build`, `append-day`) runs as a child of
the bench process. Its peak resident memory comes from the kernel's resource usage of exactly
that child, returned by `os.wait4` when it is reaped: the same `ru_maxrss` a wrapper process
would read with `getrusage(RUSAGE_CHILDREN)` for its one child (it covers the child's own waited-for
children too), without a second process in between. `getrusage(RUSAGE_CHILDREN)` in the bench
process itself would not do: it keeps the maximum over every child reaped so far.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Seconds between the progress lines printed while a long child runs.
HEARTBEAT_SECONDS = 60.0


class BenchError(Exception):
    """The benchmark cannot go on: a command failed or a baseline differs from the marts. A failed
    command's measurement (time, peak memory, spill) travels with the error, so that a scale that
    is only attempted (`bench --attempt`) reports how far it got."""

    def __init__(self, message: str, measured: Measured | None = None, label: str = "") -> None:
        super().__init__(message)
        self.measured = measured
        self.label = label


# Seconds between two samples of a watched folder's size (the DuckDB spill folder).
DIR_SAMPLE_SECONDS = 0.5


@dataclass
class Measured:
    seconds: float
    peak_rss_bytes: int
    returncode: int
    log: Path
    # the largest size of the watched folder seen while the command ran (0 without one)
    peak_dir_bytes: int = 0

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_measured(command: Sequence[str], log: Path, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None, label: str = "", watch_dir: Path | None = None) -> Measured:
    """Runs the command with stdout and stderr to `log`; returns its wall time (from start to
    reaping), its peak RSS and exit code, and with `watch_dir` the largest size of that folder,
    sampled every DIR_SAMPLE_SECONDS (a spill shorter than that can be missed). While it runs,
    prints a progress line every HEARTBEAT_SECONDS with the last line of its log, so a long run
    shows where it is."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        began = time.perf_counter()
        child = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT,
                                 env=dict(env) if env is not None else None, cwd=cwd)
        reaped: dict[str, object] = {}

        def reap() -> None:
            _, status, usage = os.wait4(child.pid, 0)
            reaped["seconds"] = time.perf_counter() - began
            reaped["status"] = status
            reaped["usage"] = usage

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        peak_dir = [0]
        sampler = None
        if watch_dir is not None:
            sampler = threading.Thread(target=_sample_size, args=(watch_dir, waiter, peak_dir), daemon=True)
            sampler.start()
        while waiter.is_alive():
            waiter.join(HEARTBEAT_SECONDS)
            if waiter.is_alive():
                progress(f"  ... {label or command[0]} running for {time.perf_counter() - began:.0f} s: "
                         f"{_last_line(log)}")
        if sampler is not None:
            sampler.join()
    returncode = os.waitstatus_to_exitcode(reaped["status"])  # type: ignore[arg-type]
    child.returncode = returncode  # reaped by wait4, so Popen must not wait for it again
    # ru_maxrss is in kilobytes on Linux
    return Measured(float(reaped["seconds"]), int(reaped["usage"].ru_maxrss) * 1024,  # type: ignore[union-attr]
                    returncode, log, peak_dir[0])


def folder_bytes(folder: Path) -> int:
    """The bytes of the files under `folder` (0 when it does not exist); files that vanish while
    it is walked are skipped."""
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def _sample_size(folder: Path, waiter: threading.Thread, peak: list[int]) -> None:
    while waiter.is_alive():
        peak[0] = max(peak[0], folder_bytes(folder))
        waiter.join(DIR_SAMPLE_SECONDS)


def _last_line(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    # dbt colours its status words; drop the escape codes from the progress line
    last = lines[-1] if lines else ""
    for code in ("\x1b[0m", "\x1b[32m", "\x1b[31m", "\x1b[33m"):
        last = last.replace(code, "")
    return last.strip()[:160]


def summary(values: Sequence[float]) -> dict[str, object]:
    """Median, min and max of the runs' values, and the values in run order."""
    if not values:
        return {"median": None, "min": None, "max": None, "runs": []}
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": list(values)}


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> dict[str, object]:
    """Pair-by-pair ratios (run i over run i), summarised."""
    return summary([n / d if d else float("nan") for n, d in zip(numerators, denominators, strict=True)])
