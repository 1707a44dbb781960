"""Time spent in named steps of one run, summed per name (what `generate --profile` shows).

The steps are the fixed costs a run pays besides its stages: templates compiled or loaded from
the bytecode cache, templates rendered, the formatter's processes. Always on: one
`perf_counter()` pair per step costs far less than the step.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_TOTALS: dict[str, tuple[float, int]] = {}


def add(name: str, seconds: float, count: int = 1) -> None:
    spent, times = _TOTALS.get(name, (0.0, 0))
    _TOTALS[name] = (spent + seconds, times + count)


@contextmanager
def timed(name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - started)


def totals() -> dict[str, tuple[float, int]]:
    """name -> (seconds, how many times), in the order the steps first ran."""
    return dict(_TOTALS)


def reset() -> None:
    _TOTALS.clear()
