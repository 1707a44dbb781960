"""Runtime overhead of the generated code, over loopback against local uvicorn servers.

* Client: the same request (`GET /api/version`, same headers) made N times in a row through
  the generated ServiceAi client (`client.meta.get_api_version()`, parsed into its model) and
  through a bare `httpx.Client` (`.get(...).json()`), against one bare ASGI server. Rounds
  alternate between the two; the per-request latency is the median over rounds.
* Server: requests per second of the generated stubs (`create_app` + a handler returning the
  body) and of a hand-written FastAPI route returning the same body, each served by uvicorn
  in its own process and driven by a small keep-alive load generator (raw sockets, a few
  connections, a fixed number of requests), so the load generator costs far less than the
  server under test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.environment import ROOT
from benchmarks.servers import PATH

HEADERS = {"X-Client-Version": "1.0.0", "Accept": "application/json"}


@dataclass
class RuntimeResult:
    name: str
    ours: float  # seconds per request (client) or requests per second (server)
    baseline: float
    unit: str
    rounds: list[tuple[float, float]] = field(default_factory=list)
    error: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "ours": self.ours,
            "baseline": self.baseline,
            "unit": self.unit,
            "rounds": self.rounds,
            "error": self.error or None,
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(kind: str, generated: Path) -> Iterator[str]:
    """A uvicorn server of `kind` (benchmarks.servers) on a free loopback port."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(generated)])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.servers", kind, str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    raise RuntimeError(f"the {kind} server did not start: {err[-500:]}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def bench_client(generated: Path, *, requests: int, rounds: int = 5) -> RuntimeResult:
    import httpx

    sys.path.insert(0, str(generated))
    from serviceai_api.client import Client

    per_round = max(1, requests // rounds)
    samples: list[tuple[float, float]] = []
    with (
        serve("raw", generated) as base_url,
        httpx.Client(base_url=base_url, headers=HEADERS) as bare,
        Client(base_url, x_client_version=HEADERS["X-Client-Version"], max_retries=0) as sdk,
    ):

        def run_bare(n: int) -> float:
            started = time.perf_counter()
            for _ in range(n):
                bare.get(PATH).json()
            return (time.perf_counter() - started) / n

        def run_sdk(n: int) -> float:
            started = time.perf_counter()
            for _ in range(n):
                sdk.meta.get_api_version()
            return (time.perf_counter() - started) / n

        run_bare(min(50, per_round))  # warm-up: connection, imports, caches
        run_sdk(min(50, per_round))
        for _ in range(rounds):
            samples.append((run_sdk(per_round), run_bare(per_round)))
    return RuntimeResult(
        "client call (generated vs bare httpx)",
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        "s/request",
        samples,
    )


def bench_server(
    generated: Path, *, requests: int, connections: int = 4, rounds: int = 3
) -> RuntimeResult:
    """Throughput of the stubs and of the hand-written app; rounds alternate the two servers."""
    request = (
        f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in HEADERS.items())
        + "\r\n"
    ).encode()
    per_round = max(connections, requests // rounds)
    samples: list[tuple[float, float]] = []
    with serve("stubs", generated) as stubs_url, serve("fastapi", generated) as fastapi_url:
        for url in (stubs_url, fastapi_url):  # warm-up
            asyncio.run(load(url, request, min(200, per_round), connections))
        for _ in range(rounds):
            samples.append(
                (
                    asyncio.run(load(stubs_url, request, per_round, connections)),
                    asyncio.run(load(fastapi_url, request, per_round, connections)),
                )
            )
    return RuntimeResult(
        "server throughput (stubs vs hand-written FastAPI)",
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        "requests/s",
        samples,
    )


async def load(url: str, request: bytes, total: int, connections: int) -> float:
    """Send `total` requests over `connections` keep-alive connections; requests per second."""
    host, port = url.removeprefix("http://").split(":")
    remaining = [total]

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while remaining[0] > 0:
                remaining[0] -= 1
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = head[9:12]
                if status != b"200":
                    raise RuntimeError(f"{url}{PATH} answered {head[:40]!r}")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return total / (time.perf_counter() - started)
