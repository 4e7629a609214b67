"""The generator's figures: `engagement-warehouse generate` timed as the user runs it, the rows
it reports, and the sha256 of every file it writes, run after run, to show it is byte-identical."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .measure import BenchError, Measured, progress, run_measured, summary

CLI = str(Path(sys.executable).with_name("engagement-warehouse"))


@dataclass
class GeneratorRuns:
    measured: list[Measured] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    sha256: list[dict[str, str]] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def byte_identical(self) -> bool:
        return len(self.sha256) > 0 and all(hashes == self.sha256[0] for hashes in self.sha256)

    @property
    def differing_files(self) -> list[str]:
        names = sorted({name for hashes in self.sha256 for name in hashes})
        return [name for name in names if len({hashes.get(name) for hashes in self.sha256}) > 1]

    def figures(self) -> dict[str, object]:
        return {
            "command": "engagement-warehouse generate --out <scale>/raw --scale S --seed N",
            "wall_seconds": summary([m.seconds for m in self.measured]),
            "rows": self.total_rows,
            "rows_by_table": self.rows,
            "rows_per_second": summary([self.total_rows / m.seconds for m in self.measured]),
            "peak_rss_bytes": summary([m.peak_rss_bytes for m in self.measured]),
            "byte_identical": self.byte_identical,
            "differing_files": self.differing_files,
            "files": len(self.sha256[0]) if self.sha256 else 0,
            "sha256_by_run": self.sha256,
        }


def run_generator(raw_dir: Path, scale: float, seed: int, runs: int, logs: Path) -> GeneratorRuns:
    """Generates into raw_dir `runs` times from an empty folder; the last run's files stay."""
    result = GeneratorRuns()
    for run in range(1, runs + 1):
        shutil.rmtree(raw_dir, ignore_errors=True)
        measured = run_measured([CLI, "generate", "--out", str(raw_dir), "--scale", repr(scale), "--seed", str(seed)],
                                logs / f"generate_run{run}.log", label="generator")
        if measured.returncode != 0:
            raise BenchError(f"the generator failed (exit {measured.returncode}), log {measured.log}:\n{measured.tail()}",
                             measured, "generator")
        result.measured.append(measured)
        # the rows the generator reports, from the manifest it writes beside the files
        result.rows = dict(json.loads((raw_dir / "_generation.json").read_text())["rows"])
        result.sha256.append(file_hashes(raw_dir))
        progress(f"  generator run {run}/{runs}: {measured.seconds:.2f} s, {result.total_rows:,} rows "
                 f"({result.total_rows / measured.seconds:,.0f} rows/s), peak {measured.peak_rss_bytes / 2**30:.2f} GiB, "
                 f"identical to run 1: {result.sha256[-1] == result.sha256[0]}")
    return result


def file_hashes(folder: Path) -> dict[str, str]:
    hashes = {}
    for path in sorted(folder.iterdir()):
        if path.is_file():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            hashes[path.name] = digest.hexdigest()
    return hashes
