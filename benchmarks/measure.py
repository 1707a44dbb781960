"""Run a command as a subprocess and measure its wall time and peak memory.

Wall time is `time.perf_counter()` around the child's whole life. Peak memory is `ru_maxrss`
from `os.wait4`: the largest resident set of the child or of any descendant it waited for
(a formatter a generator runs as a subprocess counts, at its own peak, not summed).
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    peak_rss: float  # MiB
    returncode: int


@dataclass
class Measurement:
    name: str
    command: list[str]
    samples: list[Sample] = field(default_factory=list)
    log: str = ""  # where the last run's output went

    @property
    def ok(self) -> bool:
        return bool(self.samples) and all(s.returncode == 0 for s in self.samples)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def wall_min(self) -> float:
        return min(s.wall for s in self.samples)

    @property
    def peak_rss(self) -> float:
        return statistics.median(s.peak_rss for s in self.samples)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "command": self.command,
            "ok": self.ok,
            "wall_median_s": round(self.wall, 4) if self.samples else None,
            "wall_min_s": round(self.wall_min, 4) if self.samples else None,
            "peak_rss_median_mib": round(self.peak_rss, 1) if self.samples else None,
            "samples": [
                {
                    "wall_s": round(s.wall, 4),
                    "peak_rss_mib": round(s.peak_rss, 1),
                    "rc": s.returncode,
                }
                for s in self.samples
            ],
        }


def run_once(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 900.0,
) -> Sample:
    """One run of `command`; its output goes to `log` (or nowhere)."""
    out = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    finally:
        if log is not None and not isinstance(out, int):
            out.close()
    # Linux reports ru_maxrss in KiB.
    return Sample(wall, usage.ru_maxrss / 1024, proc.returncode)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def measure(
    name: str,
    command: Sequence[str],
    *,
    repeat: int,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    before_each: Callable[[], None] | None = None,
    timeout: float = 900.0,
) -> Measurement:
    """`repeat` runs of `command` (setup in `before_each` is not timed); stops at a failure."""
    result = Measurement(name, list(command), log=str(log) if log else "")
    for _ in range(repeat):
        if before_each is not None:
            before_each()
        sample = run_once(command, cwd=cwd, env=env, log=log, timeout=timeout)
        result.samples.append(sample)
        if sample.returncode != 0:
            break
    return result
