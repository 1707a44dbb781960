"""Shared state: rate limits, quotas and CSRF tokens, in memory or in Redis (several replicas,
one limit).

The Redis limiter is one Lua script (INCR, then PEXPIRE on the first hit) run atomically by the
server, so concurrent requests to different replicas can never over-admit. A store that cannot
answer raises `StoreUnavailable` (never a driver exception): the handlers' last-resort hook turns
it into the operation's documented answer.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

# The count, and the milliseconds the window has left (a key that lost its TTL gets it back).
_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
"""


class StoreUnavailable(Exception):
    """The store did not answer (connection refused, timeout, a server error)."""


class Store(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one request against `key`; False when it is over `limit` in the window."""

    async def retry_after(self, key: str) -> int:
        """Whole seconds until the window of `key` ends (at least 1): a 429's Retry-After."""

    async def count(self, key: str) -> int:
        """How many hits `key` has in its current window (0 when none)."""

    async def put(self, key: str, value: str, ttl_seconds: int) -> None: ...

    async def get(self, key: str) -> str | None: ...

    async def ping(self) -> None:
        """Return when the store answers; raise StoreUnavailable when it does not."""

    async def aclose(self) -> None: ...


class MemoryStore:
    """One process's store. Entries expire, and at most `max_entries` are kept: expired ones are
    swept every `sweep_every` writes, and when the store is full the oldest entries go first (a
    flood of distinct keys can then shorten a window; it can never exhaust the memory)."""

    def __init__(self, max_entries: int = 100_000, sweep_every: int = 1024) -> None:
        self.max_entries = max_entries
        self.sweep_every = sweep_every
        self._counts: dict[str, tuple[float, int]] = {}
        self._values: dict[str, tuple[float, str]] = {}
        self._writes = 0
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self._counts) + len(self._values)

    def _written(self) -> None:
        self._writes += 1
        if self._writes % self.sweep_every == 0 or len(self) > self.max_entries:
            now = time.monotonic()
            for table in (self._counts, self._values):
                for key in [k for k, (expires, _) in table.items() if expires <= now]:
                    del table[key]
        while len(self) > self.max_entries:
            # dicts keep insertion order: the first key is the oldest write
            table = self._counts if len(self._counts) >= len(self._values) else self._values
            del table[next(iter(table))]

    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        async with self._lock:
            now = time.monotonic()
            expires, count = self._counts.pop(key, (now + window_seconds, 0))
            if expires <= now:
                expires, count = now + window_seconds, 0
            self._counts[key] = (expires, count + 1)
            self._written()
            return count + 1 <= limit

    async def retry_after(self, key: str) -> int:
        found = self._counts.get(key)
        left = found[0] - time.monotonic() if found else 1.0
        return max(1, int(left + 0.999))

    async def count(self, key: str) -> int:
        found = self._counts.get(key)
        return found[1] if found and found[0] > time.monotonic() else 0

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        self._values.pop(key, None)
        self._values[key] = (time.monotonic() + ttl_seconds, value)
        self._written()

    async def get(self, key: str) -> str | None:
        found = self._values.get(key)
        if found is None:
            return None
        if found[0] <= time.monotonic():
            del self._values[key]
            return None
        return found[1]

    async def ping(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


class RedisStore:
    """Redis, shared by every replica. Each command fails within `timeout` seconds when Redis is
    away (one immediate retry on a fresh connection, for a pooled one a restart left stale)."""

    def __init__(self, url: str, prefix: str = "serviceai:", timeout: float = 1.0) -> None:
        self.redis = aioredis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1),
        )
        self.prefix = prefix
        self._hit = self.redis.register_script(_HIT)

    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        try:
            count, _ttl = await self._hit(keys=[self.prefix + key], args=[window_seconds * 1000])
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailable(type(exc).__name__) from None
        return int(count) <= limit

    async def retry_after(self, key: str) -> int:
        try:
            ttl = await self.redis.pttl(self.prefix + key)
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailable(type(exc).__name__) from None
        return max(1, (int(ttl) + 999) // 1000)

    async def count(self, key: str) -> int:
        value = await self.get(key)
        return int(value) if value and value.isascii() and value.isdigit() else 0

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        try:
            await self.redis.set(self.prefix + key, value, ex=ttl_seconds)
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailable(type(exc).__name__) from None

    async def get(self, key: str) -> str | None:
        try:
            value = await self.redis.get(self.prefix + key)
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailable(type(exc).__name__) from None
        return None if value is None else str(value)

    async def ping(self) -> None:
        try:
            await self.redis.ping()
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailable(type(exc).__name__) from None

    async def aclose(self) -> None:
        await self.redis.aclose()


def open_store(url: str | None, *, max_entries: int = 100_000, timeout: float = 1.0) -> Store:
    return RedisStore(url, timeout=timeout) if url else MemoryStore(max_entries)
