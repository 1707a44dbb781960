"""Attacks on the server runtime (issue 23: items 2, 3, 4, 11, 12), against `python -m
reference.serve`, which runs on the generated `serviceai_api.server.serve` helpers: request
smuggling and framing, slow heads and bodies, a stalled upload at SIGTERM, descriptor exhaustion
under a low RLIMIT_NOFILE, encoded slashes and trailing-slash redirects, log noise. Every attack
is made on a raw socket, byte for byte, and the process log must stay free of tracebacks."""

from __future__ import annotations

import http.client
import json
import os
import re
import resource
import select
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.reference_support.process import Served, served
from tests.reference_support.raw import Exchange, address, exchange, read_all

USERS = {
    "tok-ops": {"id": "ops", "organization_id": "org_1", "entitlements": ["chatty-voice"]},
    "tok-tools": {
        "id": "tools",
        "organization_id": "org_2",
        "entitlements": ["chatty-voice", "tool:*"],
    },
}
CONFIG = {
    "users": USERS,
    "operator_token": "op-secret",
    "server_header_timeout_seconds": 1.0,
    "server_body_timeout_seconds": 1.0,
}
EXECUTE = "/api/chatty-voice/tools/execute"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("hardening-server"), CONFIG) as s:
        yield s
    log = s.log_text()
    assert "Traceback" not in log, log[-4000:]


def _post(path: str, body: bytes, *headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: x", "Authorization: Bearer tok-tools", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_ambiguous_framing_is_refused_and_the_connection_closed(server: Served) -> None:
    """RFC 9112 6.1: Content-Length with Transfer-Encoding; the smuggled GET after the last
    chunk must never run. 5.2 (obs-fold) and 2.2 (bare LF): refused too."""
    smuggled = b"0\r\n\r\nGET /api/version HTTP/1.1\r\nHost: x\r\n\r\n"
    for framing in (
        ("Content-Length: 4", "Transfer-Encoding: chunked"),
        ("Transfer-Encoding: chunked", "Content-Length: 48"),
        ("Transfer-Encoding: chunked", "Transfer-Encoding: identity"),
    ):
        answer = exchange(server.url, _post(EXECUTE, smuggled, *framing))
        assert answer.statuses == [400] and answer.closed, (framing, answer.data)
        assert answer.header("content-type") == "application/json"
        assert answer.json_body() == {"error": "invalid HTTP request"}
    folded = b"GET /api/version HTTP/1.1\r\nHost: x\r\nX-Client-Version: 1.0.0\r\n 2.0.0\r\n\r\n"
    bare_lf = b"GET /api/version HTTP/1.1\nHost: x\n\n"
    for raw in (folded, bare_lf):
        answer = exchange(server.url, raw)
        assert answer.statuses == [400] and answer.closed, (raw, answer.data)
    # ordinary pipelining and chunked bodies still work, on a connection that stays open
    ok = b"GET /api/version HTTP/1.1\r\nHost: x\r\n\r\n"
    call = b'{"function":"get_time","arguments":{}}'
    chunked = _post(
        EXECUTE,
        b"%x\r\n%s\r\n0\r\n\r\n" % (len(call), call),
        "Transfer-Encoding: chunked",
        "Content-Type: application/json",
    )
    # Read by count, not by a quiet spell: the server closes a connection idle for its head
    # deadline (1 s here), so "still open" is shown by a fourth request answered on it.
    with socket.create_connection(address(server.url), timeout=30) as sock:
        sock.sendall(ok + chunked + ok)
        answer = _read_responses(sock, 3)
        assert answer.statuses == [200, 200, 200] and not answer.closed, answer.data
        sock.sendall(ok)
        answer = _read_responses(sock, 1)
        assert answer.statuses == [200] and not answer.closed, answer.data


def _read_responses(sock: socket.socket, count: int) -> Exchange:
    """Every byte until `count` whole responses (each with its Content-Length body) are in."""
    data = b""
    while True:
        whole, rest = 0, data
        while b"\r\n\r\n" in rest:
            head, _, rest = rest.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            size = int(length.group(1)) if length else 0
            if len(rest) < size:
                break
            rest = rest[size:]
            whole += 1
        if whole >= count:
            return Exchange(data, False)
        chunk = sock.recv(65536)
        if not chunk:
            return Exchange(data, True)
        data += chunk


def test_slow_heads_bodies_and_idle_connections_are_cut(server: Served) -> None:
    # slowloris: a head dribbled a byte every 0.1 s never completes; the head deadline (1 s)
    # answers 408 long before the 200 bytes are through
    with socket.create_connection(address(server.url), timeout=10) as sock:
        sock.sendall(b"GET /api/version HTTP/1.1\r\nHost: x\r\nX-Pad: ")
        sent, data = 0, b""
        sock.settimeout(0.1)
        while sent < 200 and not data:
            try:
                sock.sendall(b"a")
                sent += 1
                data = sock.recv(4096)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        answer = read_all(sock, quiet=5)
    data += answer.data
    assert data.startswith(b"HTTP/1.1 408 "), data
    assert b'"the request head was not received in time"' in data and sent < 200, sent
    # an idle connection (no byte sent) is closed silently at the head deadline
    with socket.create_connection(address(server.url), timeout=10) as sock:
        idle = read_all(sock, quiet=10)
    assert idle.closed and idle.data == b"", idle
    # a body that stops arriving: 408 at the body deadline, the handler never waits forever
    stalled = exchange(
        server.url,
        _post(EXECUTE, b'{"func', "Content-Length: 100", "Content-Type: application/json"),
        quiet=10,
    )
    assert stalled.statuses == [408] and stalled.closed, stalled.data
    assert stalled.json_body() == {"error": "the request body was not received within 1 s"}
    # and the server is as good as ever
    assert httpx.get(server.url + "/api/version", timeout=10).status_code == 200


def test_a_stalled_upload_does_not_hold_a_stopping_process(tmp_path: Path) -> None:
    """SIGTERM while a chunked body is half sent: the upload gets 503 at once and the process
    exits (the body deadline is the shipped 30 s: it is not what ends it)."""
    with served(tmp_path, {"users": USERS}) as s:
        with socket.create_connection(address(s.url), timeout=10) as sock:
            sock.sendall(
                _post(
                    EXECUTE,
                    b"10\r\n{",
                    "Transfer-Encoding: chunked",
                    "Content-Type: application/json",
                )
            )
            # the head is parsed once /api/version answers on another connection after it
            assert httpx.get(s.url + "/api/version", timeout=10).status_code == 200
            s.process.send_signal(signal.SIGTERM)
            answer = read_all(sock, quiet=15)
            s.process.wait(timeout=15)  # raises when the process is still alive
        assert answer.statuses == [503] and answer.closed, answer.data
        assert answer.json_body() == {"error": "the server is shutting down"}
        assert "Traceback" not in s.log_text()


def _low_descriptor_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))


def _descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def _version(url: str) -> int:
    answer = exchange(url, b"GET /api/version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    return answer.statuses[0] if answer.statuses else 0


def test_idle_connections_cannot_exhaust_descriptors(tmp_path: Path) -> None:
    """400 idle connections against a process limited to 256 descriptors: the longest-idle ones
    are closed to make room, ordinary clients are served at once, the process never reaches
    its limit and never logs "Too many open files"."""
    with served(tmp_path, {"users": USERS}, preexec_fn=_low_descriptor_limit) as s:
        held: list[socket.socket] = []
        try:
            peak = 0
            for n in range(400):
                held.append(socket.create_connection(address(s.url), timeout=10))
                if n % 20 == 19:
                    # let the server accept: its listen backlog is small under this limit, and
                    # a full backlog costs a SYN retry (a second) per connect, not a failure
                    time.sleep(0.05)
                if n % 50 == 49:
                    peak = max(peak, _descriptors(s.process.pid))
                    # an ordinary client in the middle of the flood is served
                    assert _version(s.url) == 200
            time.sleep(0.2)
            peak = max(peak, _descriptors(s.process.pid))
            assert _version(s.url) == 200
            # the flood's oldest connections were closed by the server (end of file to read)
            readable, _, _ = select.select(held[:50], [], [], 2.0)
            assert readable and all(sock.recv(1) == b"" for sock in readable)
        finally:
            for sock in held:
                sock.close()
        assert peak < 256, peak
        log = s.log_text()
        assert "Too many open files" not in log and "Traceback" not in log, log[-3000:]


def test_encoded_slashes_and_trailing_slashes(server: Served) -> None:
    auth = "Authorization: Bearer op-secret\r\nConnection: close\r\n"
    proper = exchange(
        server.url, f"GET /ops/quota/org_1 HTTP/1.1\r\nHost: x\r\n{auth}\r\n".encode()
    )
    assert proper.statuses == [200], proper.data
    for path in (
        "/ops%2fquota/org_1",
        "/ops%2Fquota/org_1",
        "/ops/quota%2forg_1",
        "/ops%5cquota/org_1",
    ):
        answer = exchange(server.url, f"GET {path} HTTP/1.1\r\nHost: x\r\n{auth}\r\n".encode())
        assert answer.statuses == [404], (path, answer.data)
        assert answer.json_body() == {"detail": "Not Found"}
    # no redirect that echoes the request's Host: a trailing slash is a path like any other
    for path in ("/api/version/", "//evil.example/", "/ops/quota/org_1/"):
        answer = exchange(
            server.url, f"GET {path} HTTP/1.1\r\nHost: evil.example\r\n{auth}\r\n".encode()
        )
        assert answer.statuses == [404] and answer.header("location") is None, answer.data


def test_a_failing_tool_logs_one_line_with_its_request_id(server: Served) -> None:
    before = len(server.log_text())
    response = httpx.post(
        server.url + EXECUTE,
        json={"function": "create_service_ticket", "arguments": {"summary": "crash"}},
        headers={"authorization": "Bearer tok-tools", "x-request-id": "req-tool-1"},
        timeout=10,
    )
    assert response.status_code == 500 and response.json()["success"] is False
    assert response.headers["x-request-id"] == "req-tool-1"
    time.sleep(0.2)  # the log is written by the server process
    logged = server.log_text()[before:].splitlines()
    lines = [line for line in logged if "req-tool-1" in line]
    assert lines == [
        "tool create_service_ticket failed (request id req-tool-1): RuntimeError: "
        "ticket backend unavailable"
    ], logged
    assert not any("Traceback" in line or 'File "' in line for line in logged), logged


def test_client_disconnects_are_not_errors(server: Served) -> None:
    before = len(server.log_text())
    # 20 clients give up half way through their body
    for _ in range(20):
        with socket.create_connection(address(server.url), timeout=10) as sock:
            sock.sendall(_post(EXECUTE, b'{"function":', "Content-Length: 500"))
            time.sleep(0.01)
    # 10 clients give up while their (slow) mint is in flight
    httpx.post(server.fake_url + "/__faults", json={"latency_seconds": 0.5}).raise_for_status()
    try:

        def give_up() -> None:
            conn = http.client.HTTPConnection(*address(server.url), timeout=0.1)
            try:
                conn.request(
                    "POST",
                    "/api/realtime-token",
                    body=b"{}",
                    headers={"authorization": "Bearer tok-ops", "content-type": "application/json"},
                )
                conn.getresponse()
            except TimeoutError:
                pass
            finally:
                conn.close()

        threads = [threading.Thread(target=give_up) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(1.0)  # the mints finish after their clients left
    finally:
        httpx.delete(server.fake_url + "/__faults").raise_for_status()
    assert httpx.get(server.url + "/api/version", timeout=10).status_code == 200
    logged = server.log_text()[before:]
    assert "ERROR" not in logged and "ClientDisconnect" not in logged, logged[-3000:]
    assert "Traceback" not in logged
    assert json.loads(httpx.get(server.url + "/healthz", timeout=10).text) == {"status": "ok"}
