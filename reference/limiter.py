"""Sliding-window rate limits: at most `limit` admissions in any `window` seconds.

A fixed window (a counter that expires) admits `limit` at the end of one window and `limit` again
at the start of the next: twice the limit within moments. A sliding window keeps the time of
every admission in the window and admits a request only while fewer than `limit` are younger
than `window`, so no span of `window` seconds ever holds more than `limit` admissions. Refused
requests are not recorded (a client hammering a closed limit does not push its reopening back).
The cost is one timestamp per admission: `limit` entries per key at most.

In Redis the window is a sorted set (score: admission time in ms by the Redis server's clock, so
replicas with skewed clocks still share one exact window), examined and updated by one Lua
script, which Redis runs atomically: two replicas can never both take the last slot.
`MemoryWindows` gives one process the same semantics.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # whole seconds until a slot frees (at least 1 when refused; 0 if allowed)


def refused_after(milliseconds: float) -> Decision:
    return Decision(False, max(1, int((milliseconds + 999) // 1000)))


ALLOWED = Decision(True, 0)

# KEYS[1]: the window's sorted set. ARGV[1]: the window in ms, ARGV[2]: the limit, ARGV[3]: a
# member suffix unique to this call (two admissions in one millisecond stay two members).
# Returns {1, 0} when admitted, {0, ms until the oldest admission leaves the window} when not.
SLIDING_WINDOW_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now}
"""


class SlidingWindow:
    """One key's admissions (monotonic seconds) in one process."""

    __slots__ = ("times",)

    def __init__(self) -> None:
        self.times: deque[float] = deque()

    def admit(self, limit: int, window: float, now: float | None = None) -> Decision:
        now = time.monotonic() if now is None else now
        times = self.times
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) < limit:
            times.append(now)
            return ALLOWED
        return refused_after((times[0] + window - now) * 1000)

    def last(self) -> float:
        """When the newest admission leaves the window's reach (for expiry)."""
        return self.times[-1] if self.times else 0.0
