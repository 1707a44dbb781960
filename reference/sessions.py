"""maxSessionDurationSeconds: every call the SDP exchange opened is hung up when it is reached.

The call id comes from the `Location` header OpenAI answers the SDP exchange with
(`/v1/realtime/calls/rtc_...`: the last path segment). The hang-up goes through the generated
upstream client (`Upstream.hangup`) with the key current at that moment, so a rotated key is
used. Timers live in the replica that opened the call and are cancelled at shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable

from reference.upstream import Upstream, UpstreamError, UpstreamUnavailable

log = logging.getLogger("reference.sessions")

_CALL_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def call_id_from_location(location: str | None) -> str | None:
    """`rtc_...` from `/v1/realtime/calls/rtc_...` (absolute URLs too); None when there is none."""
    if not location:
        return None
    segment = location.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return segment if _CALL_ID.fullmatch(segment) else None


class SessionTimers:
    def __init__(
        self, upstream: Upstream, current_key: Callable[[], str | None], duration_seconds: float
    ) -> None:
        self.upstream = upstream
        self.current_key = current_key
        self.duration_seconds = duration_seconds
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.hung_up: int = 0

    def schedule(self, call_id: str, key: str) -> None:
        if call_id in self.tasks:
            return
        task = asyncio.get_running_loop().create_task(self._hang_up_later(call_id, key))
        self.tasks[call_id] = task
        task.add_done_callback(lambda _t: self.tasks.pop(call_id, None))

    async def _hang_up_later(self, call_id: str, key: str) -> None:
        await asyncio.sleep(self.duration_seconds)
        try:
            await self.upstream.hangup(self.current_key() or key, call_id)
        except UpstreamError as exc:
            # 404: the caller already left; anything else is worth a line, not a traceback
            if exc.status != 404:
                log.warning("hang-up of %s answered %s", call_id, exc.status)
            return
        except UpstreamUnavailable as exc:
            log.warning("hang-up of %s failed: %s", call_id, exc)
            return
        self.hung_up += 1
        log.info("call %s hung up after %ss", call_id, self.duration_seconds)

    async def aclose(self) -> None:
        tasks = list(self.tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
