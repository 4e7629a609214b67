"""`engagement-warehouse report`: read the marts, draw the charts, write the page atomically."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .data import ReportError, load
from .page import render_page
from .sections import build_sections


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    bytes: int
    seconds: float
    as_of_date: date
    sections: list[str]


def write_atomically(path: Path, text: str) -> int:
    """Writes text to a temporary file beside path and renames it over path: a reader sees the
    previous page or the new one, never half of one. Returns the size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.stat().st_size


def build_report(database: Path, out: Path) -> ReportSummary:
    began = time.perf_counter()
    data = load(database)
    sections = build_sections(data)
    page = render_page(sections, data.as_of_date, datetime.now(UTC), database.name)
    try:
        size = write_atomically(out, page)
    except OSError as error:
        raise ReportError(f"cannot write {out}: {error}") from error
    return ReportSummary(out, size, time.perf_counter() - began, data.as_of_date, [s.id for s in sections])
