"""`make serve` as a user runs it: the printed demo token works against the printed server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import httpx

from tests.conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_prints_a_working_demo_token() -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SERVICEAI_", "OPENAI_"))}
    env |= {"SERVICEAI_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "reference.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed: list[str] = []
        token = None
        while token is None:
            line = process.stdout.readline()
            assert line, "serve exited before printing a token:\n" + "".join(printed)
            printed.append(line)
            found = re.search(r"demo user token: (\S+)", line)
            token = found.group(1) if found else None
        assert any(f"http://127.0.0.1:{port}" in line for line in printed)
        assert any("fake OpenAI upstream on http://127.0.0.1:" in line for line in printed)
        headers = {"Authorization": f"Bearer {token}"}
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):  # the server starts listening just after printing
            try:
                tools = httpx.get(f"{base}/api/chatty-voice/tools", headers=headers, timeout=5)
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        else:
            raise AssertionError("the reference server never accepted a connection")
        assert tools.status_code == 200 and isinstance(tools.json(), list) and tools.json()
        minted = httpx.post(
            f"{base}/api/realtime-token", headers=headers, json={"directWebRTC": True}, timeout=10
        )
        assert minted.status_code == 200
        assert (
            minted.json()["clientSecret"].startswith("ek_") and minted.json()["fallback"] is False
        )
        assert httpx.get(f"{base}/api/chatty-voice/tools", timeout=5).status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=10)
