"""Writes <out>/results.json and <out>/results.md (each to a temporary name, then renamed)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .goals import evaluate
from .markdown import render


def write_results(out: Path, machine: dict, settings: dict, scales: dict[str, dict]) -> dict:
    results = {"machine": machine, "settings": settings, "scales": scales, "goals": evaluate(scales)}
    _write(out / "results.json", json.dumps(results, indent=2) + "\n")
    _write(out / "results.md", render(results))
    return results


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)
