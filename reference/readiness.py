"""Readiness from cached check results, refreshed in the background.

`GET /readyz` never runs a check itself: it answers the last results (and their age), so a flood
of probes costs nothing upstream and a hung dependency never makes a probe wait, nor hold a
connection that requests need. The checks run every `interval` seconds, concurrently, each within
the budget; a check's line is logged when its state changes (ok -> failing and back), not on
every run. Results older than three intervals plus the budget (a stalled refresher) are
reported as not ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable

from reference.store import StoreUnavailable

log = logging.getLogger("reference.operations")

Check = Callable[[], Awaitable[str]]


class Readiness:
    def __init__(self, checks: dict[str, Check], budget_ms: int, interval: float) -> None:
        self.checks = checks
        self.budget_ms = budget_ms
        self.interval = interval
        self.results: list[dict[str, object]] | None = None
        self.checked_at = 0.0  # monotonic
        self.runs = 0
        self._states: dict[str, bool] = {}
        self._first: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def _run(self, name: str, check: Check, deadline: float) -> dict[str, object]:
        started = time.monotonic()
        try:
            detail = await asyncio.wait_for(check(), timeout=max(0.0, deadline - started))
            ok = True
        except TimeoutError:
            ok, detail = False, f"no answer within {self.budget_ms} ms"
        except (StoreUnavailable, ConnectionError, LookupError, OSError) as exc:
            ok, detail = False, str(exc) or type(exc).__name__
        result: dict[str, object] = {
            "check": name,
            "ok": ok,
            "latency_ms": round((time.monotonic() - started) * 1000, 1),
            "detail": detail,
        }
        if self._states.get(name) != ok:
            self._states[name] = ok
            log.log(
                logging.INFO if ok else logging.WARNING, json.dumps(result, separators=(",", ":"))
            )
        return result

    async def refresh(self) -> None:
        deadline = time.monotonic() + self.budget_ms / 1000
        results = await asyncio.gather(
            *(self._run(name, check, deadline) for name, check in self.checks.items())
        )
        self.results, self.checked_at = list(results), time.monotonic()
        self.runs += 1
        if self._first is not None:
            self._first.set()

    async def _refresh_forever(self) -> None:
        while True:
            try:
                await self.refresh()
            except Exception as exc:  # a check that raised something unforeseen: still refresh
                log.warning("readiness refresh failed: %s", type(exc).__name__)
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._first = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._refresh_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def report(self) -> tuple[bool, dict[str, object]]:
        """(ready, body) from the cached results; only the very first probe waits (within the
        budget) for the first run."""
        if self.results is None and self._first is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._first.wait(), timeout=self.budget_ms / 1000)
        results = self.results or []
        age = time.monotonic() - self.checked_at if self.results is not None else None
        fresh = age is not None and age <= 3 * self.interval + self.budget_ms / 1000
        ready = bool(results) and fresh and all(r["ok"] for r in results)
        body: dict[str, object] = {
            "ready": ready,
            "budget_ms": self.budget_ms,
            "checks": results,
            "age_ms": None if age is None else round(age * 1000, 1),
        }
        return ready, body
