"""Two reference replicas sharing one real Redis enforce one webrtc limit and one mint limit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reference.store import RedisStore
from tests.reference_support.fixtures import CHECKED, Stack, start_stack
from tests.reference_support.servers import redis_server

OFFER = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with redis_server() as url:
        yield from start_stack(
            tmp_path_factory.mktemp("replicas"),
            replicas=2,
            store_factory=lambda: RedisStore(url),
            mint_rate_limit=4,
        )


async def _burst(urls: list[str], n: int, method: str, path: str, **kwargs: object) -> list[int]:
    async with httpx.AsyncClient(timeout=10) as client:
        responses = await asyncio.gather(
            *(client.request(method, urls[i % len(urls)] + path, **kwargs) for i in range(n))  # type: ignore[arg-type]
        )
    operation = "exchangeRealtimeSdp" if "webrtc" in path else "createRealtimeToken"
    for response in responses:
        CHECKED.check(operation, response)
    return sorted(r.status_code for r in responses)


def test_webrtc_limit_is_shared_across_replicas(replicas: Stack) -> None:
    urls = [s.url for s in replicas.servers]
    headers = {"authorization": "Bearer tok-alice"}
    # A CSRF token minted on one replica is honoured by the other (shared store).
    csrf = httpx.get(urls[0] + "/api/csrf-token", headers=headers).json()["token"]
    statuses = asyncio.run(
        _burst(
            urls,
            12,
            "POST",
            "/api/realtime/webrtc",
            json={"sdp": OFFER},
            headers={**headers, "x-csrf-token": csrf, "x-forwarded-for": "192.0.2.10"},
        )
    )
    assert statuses == [200] * 3 + [429] * 9


def test_mint_limit_is_shared_across_replicas(replicas: Stack) -> None:
    urls = [s.url for s in replicas.servers]
    statuses = asyncio.run(
        _burst(
            urls,
            10,
            "POST",
            "/api/realtime-token",
            json={},
            headers={"authorization": "Bearer tok-bob"},
        )
    )
    assert statuses == [200] * 4 + [429] * 6


def test_store_keys_expire(tmp_path: Path) -> None:
    async def run(url: str) -> tuple[bool, bool, str | None]:
        store = RedisStore(url)
        try:
            first = await store.hit("k", 1, 60)
            second = await store.hit("k", 1, 60)
            await store.put("csrf:x", "alice", 300)
            ttl = await store.redis.ttl(store.prefix + "k")
            assert 0 < ttl <= 60
            return first, second, await store.get("csrf:x")
        finally:
            await store.aclose()

    with redis_server() as url:
        assert asyncio.run(run(url)) == (True, False, "alice")
