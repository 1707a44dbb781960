"""The limiter on Redis (issue 23: items 9 and 10), two replicas of `python -m reference.serve`
on one real redis-server: a sliding window exact across replicas (a fixed window admits twice
its limit around a window boundary), limiter state that survives a Redis crash when Redis
persists (AOF, as `make load` runs it), and a stopped Redis costing one timeout per command (no
hidden retry doubling it)."""

from __future__ import annotations

import asyncio
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.reference_support.fixtures import CHECKED
from tests.reference_support.process import Served, served
from tests.reference_support.servers import free_port

WINDOW = 4  # seconds
LIMIT = 5
USERS = {
    f"tok-{n}": {"id": n, "organization_id": f"org_{n}", "entitlements": ["chatty-voice"]}
    for n in ("persist", "slide", "stopped")
}


class RedisProcess:
    """redis-server on a fixed port and data directory, so that it can be killed and restarted
    with its append-only file."""

    def __init__(self, port: int, data: Path, *extra: str) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed: run `make redis` (make test does)"
        self.args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data)]
        self.args += ["--save", "", *extra]
        self.port = port
        self.data = data
        data.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert time.monotonic() < deadline and self.process.poll() is None, "no redis"
            time.sleep(0.02)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisProcess]:
    data = tmp_path_factory.mktemp("redis-aof")
    server = RedisProcess(free_port(), data, "--appendonly", "yes", "--appendfsync", "always")
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="module")
def replicas(
    redis: RedisProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Served]]:
    config = {
        "users": USERS,
        "store_url": redis.url,
        "mint_rate_limit": LIMIT,
        "rate_limit_window_seconds": WINDOW,
        "store_timeout_seconds": 1.0,
    }
    tmp = tmp_path_factory.mktemp("redis-replicas")
    with ExitStack() as stack:
        servers = [stack.enter_context(served(tmp / f"r{i}", config)) for i in range(2)]
        yield servers
    for server in servers:
        assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


def _mints(urls: list[str], token: str, n: int) -> list[httpx.Response]:
    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        urls[i % len(urls)] + "/api/realtime-token",
                        json={},
                        headers={"authorization": f"Bearer {token}"},
                    )
                    for i in range(n)
                )
            )

    answers = asyncio.run(burst())
    for answer in answers:
        CHECKED.check("createRealtimeToken", answer)
    return answers


def _statuses(answers: list[httpx.Response]) -> list[int]:
    return sorted(a.status_code for a in answers)


def test_limiter_state_survives_a_redis_crash_with_persistence(
    redis: RedisProcess, replicas: list[Served]
) -> None:
    urls = [s.url for s in replicas]
    assert _statuses(_mints(urls, "tok-persist", LIMIT + 1)) == [200] * LIMIT + [429]
    redis.kill()  # SIGKILL: no shutdown save; the append-only file is all there is
    redis.start()
    after: list[int] = []
    for url in urls:
        answer = _mints([url], "tok-persist", 1)[0]
        if answer.status_code == 500:  # a pooled connection the restart left stale
            answer = _mints([url], "tok-persist", 1)[0]
        after.append(answer.status_code)
    assert after == [429, 429], after
    # The documented behaviour without persistence: a restart forgets every window (the
    # limits fail open until they fill again), which is why deployments run with AOF on.
    redis.kill()
    forgetful = RedisProcess(redis.port, redis.data / "none", "--appendonly", "no")
    forgetful.start()
    try:
        again = _mints([urls[0]], "tok-persist", 1)[0]
        if again.status_code == 500:  # a pooled connection the restart left stale
            again = _mints([urls[0]], "tok-persist", 1)[0]
        assert again.status_code == 200
    finally:
        forgetful.kill()
        redis.start()  # the persistent one again, its state intact


def test_the_sliding_window_is_exact_across_replicas(replicas: list[Served]) -> None:
    """One mint at t0, four at t0 + W/2, then a burst just after t0 + W: a fixed window (reset
    at t0 + W) would admit five more; the sliding window only the slot the t0 mint freed."""
    urls = [s.url for s in replicas]
    first = _mints(urls, "tok-slide", 1)
    t0 = time.monotonic()  # the first admission happened before this moment
    assert _statuses(first) == [200]
    time.sleep(WINDOW / 2)
    assert _statuses(_mints(urls, "tok-slide", LIMIT - 1)) == [200] * (LIMIT - 1)
    time.sleep(max(0.0, t0 + WINDOW + 0.2 - time.monotonic()))
    burst = _mints(urls, "tok-slide", 10)
    # the four mints of t0 + W/2 are in the window until t0 + 1.5 W at the earliest
    assert time.monotonic() < t0 + 1.5 * WINDOW, "the machine was too slow to tell"
    assert _statuses(burst) == [200] + [429] * 9, _statuses(burst)
    retry = [int(a.headers["retry-after"]) for a in burst if a.status_code == 429]
    assert all(1 <= r <= WINDOW for r in retry), retry


class BlackHole:
    """What a stopped (SIGSTOP) Redis is to a client: connections are accepted, nothing is ever
    answered. Counts the connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


def test_a_stopped_redis_costs_one_timeout_per_command(tmp_path: Path) -> None:
    hole = BlackHole()
    config = {
        "users": USERS,
        "store_url": f"redis://127.0.0.1:{hole.port}/0",
        "store_timeout_seconds": 0.5,
        "readiness_interval_seconds": 3600,  # one readiness run, at start
    }
    try:
        with served(tmp_path, config) as s:
            deadline = time.monotonic() + 60
            while True:  # the one readiness run has finished (its PING timed out)
                ready = httpx.get(s.url + "/readyz", timeout=30)
                if ready.json()["checks"]:
                    break
                assert time.monotonic() < deadline, ready.text
                time.sleep(0.1)
            assert ready.status_code == 503 and len(hole.accepted) == 1
            before = len(hole.accepted)
            answers = [
                httpx.get(
                    s.url + "/api/csrf-token",
                    headers={"authorization": "Bearer tok-stopped"},
                    timeout=30,
                )
                for _ in range(4)
            ]
            connections = len(hole.accepted) - before
        # csrf-token documents no 5xx: the stubs' 503 JSON
        assert [a.status_code for a in answers] == [503] * 4
        assert all(a.headers["content-type"] == "application/json" for a in answers)
        # one connection attempt per command: a timeout is not retried
        assert connections == 4, connections
        log = s.log_text()
        assert log.count("unhandled StoreUnavailable") == 4, log[-3000:]
        assert "Traceback" not in log
    finally:
        hole.close()
