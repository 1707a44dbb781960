"""Shared state: rate limits, quotas and CSRF tokens, in memory or in Redis (several replicas,
one limit).

Rate limits are sliding windows (`reference.limiter`): in Redis one Lua script examines and
updates a window atomically, so concurrent requests to different replicas can never over-admit.
The daily quota is a counter for the UTC day. A store that cannot answer raises
`StoreUnavailable` (never a driver exception) within its timeout: the handlers' last-resort hook
turns it into the operation's documented answer.

Every write names its owner (the user, the organisation, `ops`): the memory store bounds what one
owner may hold and, when it is full, evicts from the owner holding the most, so one user's flood
of keys (many addresses, many CSRF tokens) evicts only that user's own entries, never another
user's CSRF token or an organisation's quota.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from reference.limiter import SLIDING_WINDOW_SCRIPT, Decision, SlidingWindow, refused_after

T = TypeVar("T")

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
    async def admit(self, key: str, limit: int, window_seconds: int, owner: str = "") -> Decision:
        """One request against the sliding window `key`: admitted while fewer than `limit`
        were admitted in the last `window_seconds`; refused ones are not recorded."""

    async def hit(self, key: str, limit: int, window_seconds: int, owner: str = "") -> bool:
        """Count one request against the counter `key` (expiring `window_seconds` after its
        first hit); False when it is over `limit`. Refused hits count too (the quota report)."""

    async def count(self, key: str) -> int:
        """How many hits the counter `key` holds (0 when none)."""

    async def put(self, key: str, value: str, ttl_seconds: int, owner: str = "") -> None: ...

    async def get(self, key: str) -> str | None: ...

    async def ping(self) -> None:
        """Return when the store answers; raise StoreUnavailable when it does not."""

    async def aclose(self) -> None: ...


@dataclass
class _Entry:
    owner: str
    expires: float  # monotonic seconds
    payload: int | str | SlidingWindow


class MemoryStore:
    """One process's store. Entries expire (expired ones are swept every `sweep_every` writes);
    an owner holds at most `max_entries_per_owner` (its oldest go first), and the store at most
    `max_entries`: when full, the oldest entry of the owner holding the most goes."""

    def __init__(
        self,
        max_entries: int = 100_000,
        sweep_every: int = 1024,
        max_entries_per_owner: int = 1024,
    ) -> None:
        self.max_entries = max_entries
        self.max_entries_per_owner = max_entries_per_owner
        self.sweep_every = sweep_every
        self._entries: dict[str, _Entry] = {}
        self._owned: dict[str, dict[str, None]] = {}  # owner -> keys, oldest write first
        self._writes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def owned(self, owner: str) -> int:
        return len(self._owned.get(owner, ()))

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        keys = self._owned.get(entry.owner)
        if keys is not None:
            keys.pop(key, None)
            if not keys:
                del self._owned[entry.owner]

    def _live(self, key: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and entry.expires <= time.monotonic():
            self._drop(key)
            return None
        return entry

    def _write(
        self, key: str, owner: str, expires: float, payload: int | str | SlidingWindow
    ) -> None:
        """Store `key` as the newest entry of `owner` (the last writer owns a shared key)."""
        self._drop(key)
        self._entries[key] = _Entry(owner, expires, payload)
        self._owned.setdefault(owner, {})[key] = None
        self._writes += 1
        if self._writes % self.sweep_every == 0 or len(self._entries) > self.max_entries:
            self._sweep()
        keys = self._owned[owner]
        while len(keys) > self.max_entries_per_owner:
            self._drop(next(iter(keys)))
        while len(self._entries) > self.max_entries:
            largest = max(self._owned, key=lambda o: len(self._owned[o]))
            self._drop(next(iter(self._owned[largest])))

    def _sweep(self) -> None:
        now = time.monotonic()
        for key in [k for k, e in self._entries.items() if e.expires <= now]:
            self._drop(key)

    async def admit(self, key: str, limit: int, window_seconds: int, owner: str = "") -> Decision:
        entry = self._live(key)
        window = entry.payload if entry is not None else None
        if not isinstance(window, SlidingWindow):
            window = SlidingWindow()
        decision = window.admit(limit, window_seconds)
        if decision.allowed:
            self._write(key, owner, window.last() + window_seconds, window)
        return decision

    async def hit(self, key: str, limit: int, window_seconds: int, owner: str = "") -> bool:
        entry = self._live(key)
        if entry is not None and isinstance(entry.payload, int):
            count, expires = entry.payload + 1, entry.expires
        else:
            count, expires = 1, time.monotonic() + window_seconds
        self._write(key, owner, expires, count)
        return count <= limit

    async def count(self, key: str) -> int:
        entry = self._live(key)
        return entry.payload if entry is not None and isinstance(entry.payload, int) else 0

    async def put(self, key: str, value: str, ttl_seconds: int, owner: str = "") -> None:
        self._write(key, owner, time.monotonic() + ttl_seconds, value)

    async def get(self, key: str) -> str | None:
        entry = self._live(key)
        return entry.payload if entry is not None and isinstance(entry.payload, str) else None

    async def ping(self) -> None:
        return None

    async def aclose(self) -> None:
        return None


class RedisStore:
    """Redis, shared by every replica. Each command answers or fails within `timeout` seconds in
    all (one deadline around the whole call): a pooled connection that a Redis restart left stale
    is retried once on a fresh connection, within that deadline; a timeout is never retried (a
    stopped Redis costs one timeout per command, not two). At most `max_connections` sockets."""

    def __init__(
        self,
        url: str,
        prefix: str = "serviceai:",
        timeout: float = 1.0,
        max_connections: int = 32,
    ) -> None:
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=timeout,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        )
        self.redis = aioredis.Redis(connection_pool=pool)
        self.prefix = prefix
        self.timeout = timeout
        self._hit = self.redis.register_script(_HIT)
        self._window = self.redis.register_script(SLIDING_WINDOW_SCRIPT)

    async def _run(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            async with asyncio.timeout(self.timeout):
                return await call()
        except (TimeoutError, RedisError, OSError) as exc:
            raise StoreUnavailable(type(exc).__name__) from None

    async def admit(self, key: str, limit: int, window_seconds: int, owner: str = "") -> Decision:
        nonce = os.urandom(6).hex()
        allowed, wait_ms = await self._run(
            lambda: self._window(
                keys=[self.prefix + key], args=[window_seconds * 1000, limit, nonce]
            )
        )
        return Decision(True, 0) if int(allowed) == 1 else refused_after(float(wait_ms))

    async def hit(self, key: str, limit: int, window_seconds: int, owner: str = "") -> bool:
        count, _ttl = await self._run(
            lambda: self._hit(keys=[self.prefix + key], args=[window_seconds * 1000])
        )
        return int(count) <= limit

    async def count(self, key: str) -> int:
        value = await self.get(key)
        return int(value) if value and value.isascii() and value.isdigit() else 0

    async def put(self, key: str, value: str, ttl_seconds: int, owner: str = "") -> None:
        await self._run(lambda: self.redis.set(self.prefix + key, value, ex=ttl_seconds))

    async def get(self, key: str) -> str | None:
        value = await self._run(lambda: self.redis.get(self.prefix + key))
        return None if value is None else str(value)

    async def ping(self) -> None:
        await self._run(lambda: self.redis.ping())

    async def aclose(self) -> None:
        await self.redis.aclose(close_connection_pool=True)


def open_store(
    url: str | None,
    *,
    max_entries: int = 100_000,
    max_entries_per_owner: int = 1024,
    timeout: float = 1.0,
    max_connections: int = 32,
) -> Store:
    if url:
        return RedisStore(url, timeout=timeout, max_connections=max_connections)
    return MemoryStore(max_entries, max_entries_per_owner=max_entries_per_owner)
