"""redis-server killed (SIGKILL) and restarted under load, two replicas of `make serve` sharing
it: every answer is documented (realtime-token: 200 or the fallback 500; csrf-token: 200 or the
stubs' 503 JSON, as it documents no 5xx), both replicas recover once redis is back, and neither
logs a traceback."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
from serviceai_api.server import validation

from tests.reference_support.process import served
from tests.reference_support.servers import free_port

REDIS_ARGS = ("--save", "", "--appendonly", "no")
USER = {"id": "load", "organization_id": "org_load", "entitlements": ["chatty-voice"]}


class Redis:
    def __init__(self, port: int) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed: run `make redis` (make test does)"
        self.binary = binary
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, *("--port", str(self.port), "--bind", "127.0.0.1"), *REDIS_ARGS],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
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
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


@contextmanager
def redis_at(port: int) -> Iterator[Redis]:
    redis = Redis(port)
    redis.start()
    try:
        yield redis
    finally:
        if redis.process is not None and redis.process.poll() is None:
            redis.kill()


def _check(path: str, response: httpx.Response) -> str:
    """The answer's class ("ok", "outage"), failing on anything undocumented."""
    ctype = response.headers.get("content-type", "")
    assert ctype.startswith("application/json"), (path, response.status_code, ctype)
    if path == "/api/realtime-token":
        problems = validation.response_errors(
            "createRealtimeToken", response.status_code, ctype, response.content
        )
        assert problems == [], (response.status_code, response.text, problems)
        assert response.status_code in (200, 500), response.text
        if response.status_code == 500:
            assert response.json()["fallback"] is True
            return "outage"
        return "ok"
    if response.status_code == 503:
        assert isinstance(response.json()["error"], str)
        return "outage"
    problems = validation.response_errors(
        "getCsrfToken", response.status_code, ctype, response.content
    )
    assert problems == [] and response.status_code == 200, (response.text, problems)
    return "ok"


def test_redis_killed_and_restarted_under_load(tmp_path: Path) -> None:
    port = free_port()
    config = {
        "store_url": f"redis://127.0.0.1:{port}/0",
        "store_timeout_seconds": 0.3,
        "users": {"tok-load": USER},
        "mint_rate_limit": 1_000_000,
        "org_daily_session_quota": 1_000_000,
        "readiness_interval_seconds": 0.5,
    }
    with redis_at(port) as redis, ExitStack() as stack:
        replicas = [stack.enter_context(served(tmp_path / f"r{i}", config)) for i in range(2)]
        phase = ["before"]
        seen: Counter[tuple[str, str, str]] = Counter()
        errors: list[BaseException] = []
        stop = threading.Event()

        def worker(n: int) -> None:
            url = replicas[n % 2].url
            path = ("/api/csrf-token", "/api/realtime-token")[n // 2 % 2]
            with httpx.Client(base_url=url, timeout=10) as client:
                while not stop.is_set():
                    try:
                        if path == "/api/csrf-token":
                            response = client.get(
                                path, headers={"authorization": "Bearer tok-load"}
                            )
                        else:
                            response = client.post(
                                path, json={}, headers={"authorization": "Bearer tok-load"}
                            )
                        seen[(phase[0], path, _check(path, response))] += 1
                    except BaseException as exc:  # reported below, with the phase
                        errors.append(exc)
                        return

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()

        def observed(name: str, kind: str, at_least: float) -> None:
            """Stay in phase `name` at least `at_least` s and until both paths saw `kind`
            (a busy machine can take a second to start eight clients)."""
            started = time.monotonic()
            while time.monotonic() - started < at_least or not all(
                seen[(name, p, kind)] for p in ("/api/csrf-token", "/api/realtime-token")
            ):
                assert time.monotonic() - started < 60 and not errors, (name, seen, errors[:3])
                time.sleep(0.05)

        try:
            observed("before", "ok", 1.0)
            phase[0] = "outage"
            redis.kill()
            observed("outage", "outage", 1.5)
            phase[0] = "restarting"
            redis.start()
            time.sleep(1.0)  # pooled connections are replaced on their first failure
            phase[0] = "after"
            observed("after", "ok", 1.5)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=20)
        assert not errors, errors[:3]
        for path in ("/api/csrf-token", "/api/realtime-token"):
            assert seen[("before", path, "ok")] > 0, seen
            assert seen[("outage", path, "outage")] > 0, seen  # the outage was observed...
            assert seen[("after", path, "ok")] > 0, seen  # ...and both replicas recovered
            assert seen[("after", path, "outage")] == 0, seen
        for replica in replicas:
            assert replica.process.poll() is None
            ready = httpx.get(replica.url + "/readyz", timeout=10).json()
            assert ready["ready"] is True, json.dumps(ready)
    for replica in replicas:
        log = replica.log_text()
        assert "Traceback" not in log, log[-3000:]
        assert "unhandled StoreUnavailable" in log  # one line per failed request, no traceback
