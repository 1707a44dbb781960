"""What the reference's per-request state costs in memory, measured (docs/operations.md).

In-process (the memory store): tracemalloc over 10,000 entries of each kind. Redis (a private
redis-server on a free loopback port): `MEMORY USAGE` of one key of each kind, as the reference
writes it.

    .venv/bin/python scripts/memory_costs.py
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reference.store import MemoryStore, RedisStore

N = 10_000


async def memory_costs() -> dict[str, float]:
    kinds = {
        "CSRF token (csrf:<32 hex> -> user)": lambda s, n: s.put(
            f"csrf:{secrets.token_hex(16)}", "user-1", 300, "user-1"
        ),
        "window, 1 admission (webrtc:<address>)": lambda s, n: s.admit(
            f"webrtc:10.{n // 65536}.{n // 256 % 256}.{n % 256}", 3, 60, "user-1"
        ),
        "daily quota counter (quota:<org>:<day>)": lambda s, n: s.hit(
            f"quota:org_{n}:2026-12-07", 1000, 86400, f"org:{n}"
        ),
    }
    costs: dict[str, float] = {}
    for name, write in kinds.items():
        store = MemoryStore(max_entries=10 * N, max_entries_per_owner=10 * N, sweep_every=10**9)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for n in range(N):
            await write(store, n)
        costs[name] = (tracemalloc.get_traced_memory()[0] - before) / N
        tracemalloc.stop()
    store = MemoryStore()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(N):
        await store.admit("mint:user-1", 10 * N, 60, "user-1")
    costs["each further admission in one window"] = (
        tracemalloc.get_traced_memory()[0] - before
    ) / N
    tracemalloc.stop()
    return costs


async def redis_costs(url: str) -> dict[str, int]:
    store = RedisStore(url)
    try:
        await store.put("csrf:" + secrets.token_hex(16), "user-1", 300)
        await store.admit("webrtc:203.0.113.7", 3, 60)
        for _ in range(10):
            await store.admit("mint:user-1", 10, 60)
        await store.hit("quota:org_1:2026-12-07", 1000, 86400)
        costs = {}
        for key in await store.redis.keys("serviceai:*"):
            costs[key] = int(await store.redis.memory_usage(key) or 0)
        return costs
    finally:
        await store.aclose()


def main() -> None:
    for name, cost in asyncio.run(memory_costs()).items():
        print(f"memory store: {name}: {cost:.0f} bytes")
    binary = shutil.which("redis-server")
    if binary is None:
        print("redis-server is not installed: no Redis figures")
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        for key, cost in asyncio.run(redis_costs(f"redis://127.0.0.1:{port}/0")).items():
            print(f"redis MEMORY USAGE {key}: {cost} bytes")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
