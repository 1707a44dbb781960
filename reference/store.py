"""Shared state: rate limits and CSRF tokens, in memory or in Redis (several replicas, one limit).

The Redis limiter is one Lua script (INCR, then PEXPIRE on the first hit) run atomically by the
server, so concurrent requests to different replicas can never over-admit.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

import redis.asyncio as aioredis

_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
"""


class Store(Protocol):
    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        """Count one request against `key`; False when it is over `limit` in the window."""

    async def put(self, key: str, value: str, ttl_seconds: int) -> None: ...

    async def get(self, key: str) -> str | None: ...

    async def aclose(self) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._counts: dict[str, tuple[float, int]] = {}
        self._values: dict[str, tuple[float, str]] = {}
        self._lock = asyncio.Lock()

    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        async with self._lock:
            now = time.monotonic()
            expires, count = self._counts.get(key, (now + window_seconds, 0))
            if expires <= now:
                expires, count = now + window_seconds, 0
            self._counts[key] = (expires, count + 1)
            return count + 1 <= limit

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        self._values[key] = (time.monotonic() + ttl_seconds, value)

    async def get(self, key: str) -> str | None:
        found = self._values.get(key)
        if found is None or found[0] <= time.monotonic():
            return None
        return found[1]

    async def aclose(self) -> None:
        return None


class RedisStore:
    def __init__(self, url: str, prefix: str = "serviceai:") -> None:
        self.redis = aioredis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self._hit = self.redis.register_script(_HIT)

    async def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        count = await self._hit(keys=[self.prefix + key], args=[window_seconds * 1000])
        return int(count) <= limit

    async def put(self, key: str, value: str, ttl_seconds: int) -> None:
        await self.redis.set(self.prefix + key, value, ex=ttl_seconds)

    async def get(self, key: str) -> str | None:
        value = await self.redis.get(self.prefix + key)
        return None if value is None else str(value)

    async def aclose(self) -> None:
        await self.redis.aclose()


def open_store(url: str | None) -> Store:
    return RedisStore(url) if url else MemoryStore()
