"""Progress of the long commands (generate, quality, export), on stderr so that stdout keeps only
their results.

Three modes, chosen once per run:
- `bar`: on a terminal (stderr is a TTY and the variable CI is not set), one line redrawn in place:
  `export [########............] 9/22 fct_orders`, ended by a newline when the work is done;
- `lines`: anywhere else (a pipe, a log file, CI), one plain line per step as it starts:
  `export [9/22] fct_orders`;
- `off`: nothing.
The variable ENGAGEMENT_WAREHOUSE_PROGRESS (bar, lines or off) overrides the choice.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

MODES = ("bar", "lines", "off")
MODE_VARIABLE = "ENGAGEMENT_WAREHOUSE_PROGRESS"
BAR_WIDTH = 20


class ProgressSettingsError(ValueError):
    pass


def choose_mode(stream: TextIO) -> str:
    wanted = os.environ.get(MODE_VARIABLE, "").strip().lower()
    if wanted:
        if wanted not in MODES:
            raise ProgressSettingsError(f"{MODE_VARIABLE}={wanted!r}: expected one of {', '.join(MODES)}")
        return wanted
    is_tty = getattr(stream, "isatty", lambda: False)()
    return "bar" if is_tty and not os.environ.get("CI") else "lines"


class Progress:
    """Steps of one command: start(total) when the number of steps is known, step(label) as each
    begins, finish() at the end (the bar ends its line), clear() before printing other lines."""

    def __init__(self, command: str, total: int | None = None, stream: TextIO | None = None,
                 mode: str | None = None) -> None:
        self.command, self.total, self.done = command, total, 0
        self.stream = stream if stream is not None else sys.stderr
        self.mode = mode or choose_mode(self.stream)
        self._drawn = False

    def start(self, total: int) -> None:
        self.total, self.done = total, 0

    def step(self, label: str) -> None:
        self.done += 1
        total = self.total if self.total is not None else "?"
        if self.mode == "lines":
            self.stream.write(f"{self.command} [{self.done}/{total}] {label}\n")
        elif self.mode == "bar":
            completed = self.done - 1  # the step that begins is not done yet
            filled = BAR_WIDTH * completed // self.total if self.total else 0
            self.stream.write(f"\r\x1b[K{self.command} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                              f"{self.done}/{total} {label}")
            self._drawn = True
        self.stream.flush()

    def clear(self) -> None:
        """Wipes the bar's line, so that a line printed next starts at the margin."""
        if self.mode == "bar" and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False

    def finish(self) -> None:
        if self.mode == "bar":
            self.stream.write(f"\r\x1b[K{self.command} [{'#' * BAR_WIDTH}] {self.done}/{self.total or self.done} done\n")
            self.stream.flush()
            self._drawn = False
