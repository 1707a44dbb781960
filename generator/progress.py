"""What `generate` shows while it works.

Progress (one line per stage, with its counts and time) goes to stderr, only when stderr is a
terminal, CI is not set, and the document has more than `PROGRESS_MIN_OPERATIONS` operations:
small documents finish before progress would help. The stages before the operation count is
known (loading and validating) are shown once it is. The report printed when a target is done
(warnings grouped by rule) is generator/report.py's.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import TextIO

PROGRESS_MIN_OPERATIONS = 200

STAGE_LABELS = {
    "load": "load and validate",
    "ir": "intermediate model",
    "server": "server stubs",
    "models": "models",
    "client": "client",
    "format": "format",
    "write": "write",
}


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() not in ("", "0", "false", "no")


def progress_wanted(stream: TextIO | None = None) -> bool:
    stream = sys.stderr if stream is None else stream
    return bool(stream.isatty()) and not in_ci()


class StageReporter:
    """The `progress` callable of `generator.pipeline.generate_target`, plus the write stage."""

    def __init__(self, name: str, *, enabled: bool, stream: TextIO | None = None) -> None:
        self.name = name
        self.enabled = enabled
        self.stream = sys.stderr if stream is None else stream
        self.shown = False
        self.finished: list[tuple[str, Mapping[str, int], float]] = []
        self.current: tuple[str, Mapping[str, int], float] | None = None

    def __call__(self, stage: str, counts: Mapping[str, int]) -> None:
        now = time.perf_counter()
        self._finish(now)
        if (
            self.enabled
            and not self.shown
            and counts.get("operations", 0) > PROGRESS_MIN_OPERATIONS
        ):
            self.shown = True
            for done_stage, done_counts, elapsed in self.finished:
                self._write(self._label(done_stage, done_counts) + f" {elapsed:.2f}s\n")
        self.current = (stage, counts, now)
        if self.shown:
            self._write(self._label(stage, counts) + " ...")

    def close(self) -> None:
        self._finish(time.perf_counter())

    def _finish(self, now: float) -> None:
        if self.current is None:
            return
        stage, counts, started = self.current
        self.current = None
        self.finished.append((stage, counts, now - started))
        if self.shown:
            self._write(f" {now - started:.2f}s\n")

    def _label(self, stage: str, counts: Mapping[str, int]) -> str:
        stages = list(STAGE_LABELS)
        index = stages.index(stage) + 1 if stage in stages else 0
        what = ", ".join(f"{n} {key}" for key, n in counts.items())
        label = STAGE_LABELS.get(stage, stage)
        return f"{self.name} [{index}/{len(stages)}] {label}" + (f" ({what})" if what else "")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
