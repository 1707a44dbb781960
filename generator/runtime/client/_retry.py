"""Retries as the OpenAI SDK does them (part of the SDK runtime).

What is retried: a connection error, a timeout, or one of `RetryConfig.statuses` (429, 502,
503, 504 by default), on an operation that is safe to repeat: an idempotent method, an
operation the document marks so, or a call that carries an idempotency key (the document's
`Idempotency-Key` header parameter, or `RetryConfig.idempotency_header` for every other
non-idempotent call). A 429 is retried on any method: it was not processed. The server can
decide itself: `x-should-retry: true` retries any status, `x-should-retry: false` none.

How long: what the server asks (`retry-after-ms`, else `Retry-After` in seconds or as an HTTP
date) when that is at most `max_retry_after`; a longer wait is not waited for: the call gives up
at once and the error carries the wait (`error.retry_after`). Without a server's word, the delay
is `initial_delay * 2**attempt`, capped at `max_delay`, minus up to `jitter` of itself.

Every retry sends `X-Retry-Count: <n>` (1 for the first retry) and the same idempotency key as
the first attempt. `max_retries=0` on the client turns retries off; `sleep`/`async_sleep` can be
replaced (tests count the delays asked for instead of waiting them).
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


async def _anyio_sleep(seconds: float) -> None:
    """`anyio.sleep`, imported on the first async retry (importing anyio is not free)."""
    import anyio

    await anyio.sleep(seconds)


@dataclass(frozen=True)
class RetryConfig:
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25  # fraction of the delay removed at random (0 for none)
    # A longer wait asked by the server is not waited for: the error is raised at once, with
    # the wait on it (`error.retry_after`). 60 s, as the OpenAI SDK; each wait is logged at INFO
    # on the package's logger, so a caller held by a Retry-After can see why.
    max_retry_after: float = 60.0
    # A header carrying one generated key per call (e.g. "Idempotency-Key"), sent by every
    # non-idempotent call that the document gives no such header parameter; such a call is then
    # retried on 5xx and connection errors like an idempotent one.
    idempotency_header: str | None = None
    statuses: frozenset[int] = frozenset({429, 502, 503, 504})
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = _anyio_sleep
    rand: Callable[[], float] = field(default=_random.random)  # jitter's source, in [0, 1)
    clock: Callable[[], float] = time.time  # "now" for a `Retry-After` HTTP date

    def backoff(self, attempt: int) -> float:
        """The delay before retry number `attempt + 1` when the server gives none."""
        delay = min(self.initial_delay * (2.0**attempt), self.max_delay)
        return max(0.0, delay * (1.0 - self.jitter * self.rand()))

    def delay(self, attempt: int, response: httpx.Response | None) -> float | None:
        """Seconds to wait before the next attempt, or None: the server asks for longer than
        `max_retry_after` (the call gives up at once)."""
        if response is not None:
            after = retry_after(response.headers, self.clock)
            if after is not None:
                return after if after <= self.max_retry_after else None
        return self.backoff(attempt)


RETRY_COUNT_HEADER = "X-Retry-Count"


def retry_after(headers: Mapping[str, str], clock: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asks to wait (`retry-after-ms`, or `Retry-After` seconds or date)."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            seconds = float(millis) / 1000.0
            if seconds >= 0 and seconds == seconds:  # not negative, not NaN
                return seconds
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
        return seconds if seconds >= 0 and seconds == seconds else None
    except ValueError:
        pass
    import email.utils  # an HTTP date is rare: its parser is imported on use

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        import datetime

        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - clock())
