"""`make load`: a bounded load run on loopback only.

One redis-server, one fake OpenAI upstream and two replicas of the reference (`python -m
reference.serve`, each its own process), all on 127.0.0.1. Each operation is driven in turn
(requests alternate between the replicas) and reported with requests/s, p50/p99 latency and each
replica's resident memory (VmRSS) before and after it. Memory must stay flat: the run fails when a
replica's RSS grows by more than LOAD_MAX_GROWTH_MB (default 25) between the end of the warm-up
and the end of the run. The table goes to stdout and reports/load.md.

LOAD_REQUESTS (default 100000) scales the whole run; LOAD_CONCURRENCY (default 8; Python clients lose throughput with many more) is the number
of requests in flight.

Redis runs with persistence (append-only file, fsync every second), as a deployment should.
The replicas run with a 1,024-descriptor limit (LOAD_NOFILE). The last phase is the slow-client
phase: ordinary requests (LOAD_SLOW_REQUESTS, default 4000) are measured without attackers,
then while 1,000 idle connections and 100 slowloris clients (scripts/load_attack.py, their own
process, reconnecting whenever closed) are held against the replicas, then without them again.
It fails when the p99 with attackers is over twice the p99 before them, or when a replica's
descriptor count (sampled every 0.5 s) reaches its limit. The attackers run at
nice 19 (in a deployment they are on other machines, not on the server's cores).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "tok-load"
OFFER = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
# Share of the requests per operation: the cheap reads most, the two upstream calls least.
MIX = (
    ("GET /api/version", 0.25),
    ("GET /api/chatty-voice/tools", 0.20),
    ("POST /api/chatty-voice/tools/execute", 0.20),
    ("GET /api/csrf-token", 0.20),
    ("POST /api/realtime-token", 0.10),
    ("POST /api/realtime/webrtc", 0.05),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def wait_http(url: str, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@dataclass
class Result:
    operation: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    rss_before: list[float]
    rss_after: list[float]

    def row(self) -> str:
        lat = sorted(self.latencies_ms)
        p50 = statistics.median(lat)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        before = " / ".join(f"{r:.1f}" for r in self.rss_before)
        after = " / ".join(f"{r:.1f}" for r in self.rss_after)
        return (
            f"| `{self.operation}` | {self.requests} | {self.errors} | "
            f"{self.requests / self.seconds:.0f} | {p50:.1f} | {p99:.1f} | {before} | {after} |"
        )


def request_for(operation: str, csrf: str) -> Callable[[httpx.AsyncClient], Any]:
    auth = {"authorization": f"Bearer {TOKEN}"}
    method, path = operation.split(" ", 1)
    body: dict[str, Any] | None = None
    headers = dict(auth)
    if path == "/api/version":
        headers = {}
    elif path.endswith("/execute"):
        body = {"function": "get_time", "arguments": {}}
    elif path == "/api/realtime-token":
        body = {"directWebRTC": True}
    elif path == "/api/realtime/webrtc":
        body = {"sdp": OFFER}
        headers["x-csrf-token"] = csrf

    def send(client: httpx.AsyncClient) -> Any:
        return client.request(method, path, json=body, headers=headers)

    return send


async def drive(
    urls: list[str], operation: str, count: int, concurrency: int, csrf: list[str]
) -> tuple[int, float, list[float]]:
    clients = [
        httpx.AsyncClient(
            base_url=u,
            timeout=30,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )
        for u in urls
    ]
    senders = [request_for(operation, csrf[i]) for i in range(len(urls))]
    latencies: list[float] = []
    statuses: dict[int | str, int] = {}
    errors = 0
    next_index = 0

    async def worker() -> None:
        nonlocal next_index, errors
        while next_index < count:
            n = next_index
            next_index += 1
            replica = n % len(clients)
            started = time.perf_counter()
            try:
                response = await senders[replica](clients[replica])
                if response.status_code != 200:
                    errors += 1
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            except httpx.HTTPError as exc:
                errors += 1
                statuses[type(exc).__name__] = statuses.get(type(exc).__name__, 0) + 1
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    for c in clients:
        await c.aclose()
    if statuses:
        print(f"  {operation}: failures by status or error {statuses}", file=sys.stderr)
    return errors, elapsed, latencies


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def descriptor_limit(pid: int) -> int:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return int(line.split()[3])
    raise RuntimeError(f"no descriptor limit for {pid}")


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


@dataclass
class SlowPhase:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    held: str = ""
    peak_fds: list[int] | None = None

    def row(self) -> str:
        fds = " / ".join(str(n) for n in self.peak_fds) if self.peak_fds else ""
        return (
            f"| {self.name} | {self.held} | {self.requests} | {self.errors} | "
            f"{self.requests / self.seconds:.0f} | {statistics.median(self.latencies_ms):.1f} | "
            f"{p99(self.latencies_ms):.1f} | {fds} |"
        )


def slow_client_phase(
    urls: list[str], pids: list[int], count: int, concurrency: int, csrf: list[str]
) -> tuple[list[SlowPhase], bool, list[int]]:
    """Ordinary requests without attackers, with 1,000 idle and 100 slowloris connections
    held, and without them again; (phases, passed, descriptor limits)."""
    operation = "GET /api/chatty-voice/tools"
    limits = [descriptor_limit(pid) for pid in pids]

    def measured(name: str, held: str = "", sample: bool = False) -> SlowPhase:
        peaks = [descriptors(pid) for pid in pids]
        stop = [False]

        def sampler() -> None:  # held connections change slowly: twice a second is enough
            while not stop[0]:
                for i, pid in enumerate(pids):
                    peaks[i] = max(peaks[i], descriptors(pid))
                time.sleep(0.5)

        thread = threading.Thread(target=sampler)
        if sample:
            thread.start()
        errors, seconds, latencies = asyncio.run(drive(urls, operation, count, concurrency, csrf))
        stop[0] = True
        if sample:
            thread.join()
        return SlowPhase(name, count, errors, seconds, latencies, held, peaks if sample else None)

    before = measured("before")
    # The attackers run at the lowest CPU priority: in a deployment they are on other machines;
    # here they share the two cores with the replicas and the measuring client.
    attack = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scripts" / "load_attack.py"),
            "--idle",
            "1000",
            "--slow",
            "100",
            *urls,
        ],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.nice(19),
    )
    try:
        assert attack.stdout is not None
        held = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            held = attack.stdout.readline().strip()
            parts = dict(p.split("=") for p in held.split()[1:])
            if int(parts["idle"]) >= 990 and int(parts["slow"]) >= 99:
                break
        else:
            raise RuntimeError(f"the attackers could not connect: {held}")
        during = measured(
            "with 1,000 idle + 100 slowloris", held.removeprefix("held "), sample=True
        )
    finally:
        attack.send_signal(signal.SIGTERM)
        try:
            attack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            attack.kill()
    after = measured("after")
    ratio = p99(during.latencies_ms) / p99(before.latencies_ms)
    assert during.peak_fds is not None
    passed = (
        ratio <= 2.0
        and all(peak < limit for peak, limit in zip(during.peak_fds, limits, strict=True))
        and before.errors + during.errors + after.errors == 0
    )
    return [before, during, after], passed, limits


def main() -> int:
    total = int(os.environ.get("LOAD_REQUESTS", "100000"))
    slow_count = int(os.environ.get("LOAD_SLOW_REQUESTS", "4000"))
    nofile = int(os.environ.get("LOAD_NOFILE", "1024"))
    concurrency = int(os.environ.get("LOAD_CONCURRENCY", "8"))
    max_growth = float(os.environ.get("LOAD_MAX_GROWTH_MB", "25"))
    redis_binary = shutil.which("redis-server")
    if redis_binary is None:
        print("redis-server is not installed: run `make redis`", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="serviceai-load-"))
    processes: list[subprocess.Popen[bytes]] = []
    logs = []

    def start(
        args: list[str], env: dict[str, str], name: str, nofile: int | None = None
    ) -> subprocess.Popen[bytes]:
        log = (work / f"{name}.log").open("wb")
        logs.append(log)

        def limit() -> None:
            if nofile is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=limit
        )
        processes.append(process)
        return process

    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("SERVICEAI_", "OPENAI_"))}
    try:
        redis_port, fake_port = free_port(), free_port()
        start(
            [
                redis_binary,
                *("--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(work)),
                # persistence: limiter state survives a restart (docs/operations.md)
                *("--save", "", "--appendonly", "yes", "--appendfsync", "everysec"),
            ],
            base_env,
            "redis",
        )
        fake = start(
            [sys.executable, "-m", "reference.fake_upstream", "--port", str(fake_port)],
            base_env,
            "fake",
        )
        wait_http(f"http://127.0.0.1:{fake_port}/v1/models", fake)
        config = work / "config.json"
        config.write_text(
            json.dumps(
                {
                    "store_url": f"redis://127.0.0.1:{redis_port}/0",
                    "users": {
                        TOKEN: {
                            "id": "load",
                            "organization_id": "org_load",
                            "entitlements": ["chatty-voice", "tool:*"],
                        }
                    },
                    "mint_rate_limit": 10**9,
                    "webrtc_rate_limit": 10**9,
                    "org_daily_session_quota": 10**9,
                    "max_session_duration_seconds": 5,  # calls are hung up during the run
                    # an operation's run can outlast the 5-minute default on a busy machine
                    "csrf_ttl_seconds": 3600,
                }
            )
        )
        replicas: list[tuple[str, subprocess.Popen[bytes]]] = []
        for i in range(2):
            port = free_port()
            env = base_env | {
                "SERVICEAI_PORT": str(port),
                "SERVICEAI_CONFIG_FILE": str(config),
                "SERVICEAI_UPSTREAM_BASE_URL": f"http://127.0.0.1:{fake_port}/v1",
                "OPENAI_API_KEY": "sk-load-" + "0" * 16,
                "PYTHONUNBUFFERED": "1",
            }
            process = start(
                [sys.executable, "-m", "reference.serve"], env, f"replica{i}", nofile=nofile
            )
            url = f"http://127.0.0.1:{port}"
            wait_http(url + "/healthz", process)
            replicas.append((url, process))
        urls = [u for u, _ in replicas]
        pids = [p.pid for _, p in replicas]
        auth = {"authorization": f"Bearer {TOKEN}"}

        def fresh_csrf() -> list[str]:
            # CSRF tokens live 5 minutes: a fresh one for every operation's run
            return [httpx.get(u + "/api/csrf-token", headers=auth).json()["token"] for u in urls]

        # Warm-up: every operation a few hundred times (lazy imports, pools, caches).
        for operation, _ in MIX:
            asyncio.run(drive(urls, operation, 400, concurrency, fresh_csrf()))
        time.sleep(6)  # let the warm-up's calls be hung up
        baseline = [rss_mb(pid) for pid in pids]

        results = []
        for operation, share in MIX:
            count = max(1, int(total * share))
            before = [rss_mb(pid) for pid in pids]
            errors, seconds, latencies = asyncio.run(
                drive(urls, operation, count, concurrency, fresh_csrf())
            )
            after = [rss_mb(pid) for pid in pids]
            results.append(Result(operation, count, errors, seconds, latencies, before, after))
            print(f"  {operation}: {count} requests in {seconds:.1f}s", file=sys.stderr)
        time.sleep(6)  # the last calls' hang-up timers finish
        final = [rss_mb(pid) for pid in pids]
        slow_phases, slow_passed, limits = slow_client_phase(
            urls, pids, slow_count, concurrency, fresh_csrf()
        )
        for _, process in replicas:
            assert process.poll() is None, "a replica died"
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs:
            log.close()

    requests = sum(r.requests for r in results)
    growth = [f - b for f, b in zip(final, baseline, strict=True)]
    tracebacks = sum(
        (work / f"replica{i}.log").read_text(errors="replace").count("Traceback") for i in range(2)
    )
    lines = [
        f"# Load run: {requests} requests, two replicas on one redis-server (loopback)",
        "",
        f"Concurrency {concurrency}; requests alternate between the replicas; RSS is VmRSS of "
        "replica 1 / replica 2 in MB. The load generator shares the machine "
        f"({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end).",
        "",
        "| operation | requests | non-200 | requests/s | p50 ms | p99 ms | RSS before | RSS after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
        *(r.row() for r in results),
        "",
        "RSS after warm-up: "
        + " / ".join(f"{b:.1f}" for b in baseline)
        + " MB; at the end: "
        + " / ".join(f"{f:.1f}" for f in final)
        + " MB; growth over the run: "
        + " / ".join(f"{g:+.1f}" for g in growth)
        + f" MB (limit {max_growth:.0f} MB). Tracebacks logged: {tracebacks}.",
        "",
        f"## Slow clients and idle connections (`{slow_phases[0].requests}` x "
        f"`GET /api/chatty-voice/tools` per phase, descriptor limit "
        + " / ".join(str(n) for n in limits)
        + ")",
        "",
        "| phase | attackers held (at start) | requests | non-200 | requests/s | p50 ms | p99 ms "
        "| peak descriptors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *(phase.row() for phase in slow_phases),
        "",
        f"p99 with attackers / p99 before: "
        f"{p99(slow_phases[1].latencies_ms) / p99(slow_phases[0].latencies_ms):.2f} (at most 2); "
        f"after / before: {p99(slow_phases[2].latencies_ms) / p99(slow_phases[0].latencies_ms):.2f}.",
    ]
    table = "\n".join(lines)
    print(table)
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "load.md").write_text(table + "\n", encoding="utf-8")
    errors = sum(r.errors for r in results)
    failed = errors > 0 or tracebacks > 0 or any(g > max_growth for g in growth) or not slow_passed
    if failed:
        print(
            f"load run FAILED: {errors} non-200 answers, {tracebacks} tracebacks, "
            f"growth {growth} MB",
            file=sys.stderr,
        )
    if failed:
        print(f"logs kept in {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
