"""Run a command as a subprocess and measure its wall time and peak memory.

Wall time is `time.perf_counter()` around the child's whole life. Peak memory is the largest
sum of the resident sets of the child and every descendant alive at the same moment (its own
session), sampled from /proc every 10 ms: a formatter a generator runs beside itself adds to
the generator's memory. The largest single process is sampled the same way. `ru_maxrss` from
`os.wait4` is only the fallback for a run too short to sample: Linux keeps a process's
high-water mark across `execve`, so a child forked from a large parent (pytest, after a
thousand tests) reports the parent's resident set as its own.
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
    peak_rss: float  # MiB: the process tree's largest summed resident set (see the docstring)
    returncode: int
    max_process_rss: float = 0.0  # MiB: ru_maxrss, the largest single process of the tree


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
                    "max_process_rss_mib": round(s.max_process_rss, 1),
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
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            sampler.stop()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
    finally:
        if log is not None and not isinstance(out, int):
            out.close()
    if sampler.peak_mib > 0:
        return Sample(wall, sampler.peak_mib, proc.returncode, sampler.largest_mib)
    largest = usage.ru_maxrss / 1024  # Linux reports ru_maxrss in KiB
    return Sample(wall, largest, proc.returncode, largest)


class _TreeSampler(threading.Thread):
    """The largest summed resident set of one session (the child and its descendants)."""

    def __init__(self, session: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.interval = interval
        self.peak_mib = 0.0  # the summed tree
        self.largest_mib = 0.0  # one process
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_mib = max(self.peak_mib, self._sum_mib())
            self._done.wait(self.interval)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _sum_mib(self) -> float:
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue  # the process ended meanwhile
            # Fields after the command name (which may hold spaces): state ppid pgrp session...
            fields = stat[stat.rfind(b")") + 2 :].split()
            if int(fields[3]) == self.session:
                rss = int(fields[21]) * self._page  # rss, in pages
                total += rss
                self.largest_mib = max(self.largest_mib, rss / 2**20)
        return total / 2**20


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
