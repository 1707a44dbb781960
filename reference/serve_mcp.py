"""`make mcp`: the OpenAI Realtime capability for agents, on loopback.

Starts `python -m openai_realtime_api.mcp --transport http --port 9090` (MCP, streamable HTTP) and
`python -m openai_realtime_api.adapter --port 8080` (REST), both against the fake OpenAI upstream
unless OPENAI_REALTIME_API_BASE_URL names a real one (the key: OPENAI_API_KEY), and prints how
to connect an MCP client. Ctrl-C stops everything it started.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"{what} did not start on port {port}")


def main() -> int:
    mcp_port = int(os.environ.get("MCP_PORT", "9090"))
    adapter_port = int(os.environ.get("ADAPTER_PORT", "8080"))
    env = dict(os.environ)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if not env.get("OPENAI_REALTIME_API_BASE_URL"):
            fake_port = _free_port()
            fake = subprocess.Popen(
                [sys.executable, "-m", "reference.fake_upstream", "--port", str(fake_port)],
                stderr=subprocess.DEVNULL,
            )
            processes.append(fake)
            _wait(fake_port, fake, "the fake upstream")
            env["OPENAI_REALTIME_API_BASE_URL"] = f"http://127.0.0.1:{fake_port}/v1"
            env.setdefault("OPENAI_API_KEY", "sk-fake-" + secrets.token_hex(8))
            print(f"fake OpenAI upstream on {env['OPENAI_REALTIME_API_BASE_URL']}")
        if not env.get("OPENAI_API_KEY"):
            print("OPENAI_API_KEY is not set", file=sys.stderr)
            return 2
        env.setdefault("OPENAI_REALTIME_API_TOKEN", env["OPENAI_API_KEY"])
        mcp = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "openai_realtime_api.mcp",
                "--transport",
                "http",
                "--port",
                str(mcp_port),
            ],
            env=env,
        )
        processes.append(mcp)
        adapter = subprocess.Popen(
            [sys.executable, "-m", "openai_realtime_api.adapter", "--port", str(adapter_port)],
            env=env,
        )
        processes.append(adapter)
        _wait(mcp_port, mcp, "the MCP server")
        _wait(adapter_port, adapter, "the REST adapter")
        url = f"http://127.0.0.1:{mcp_port}/mcp"
        print(f"MCP server (streamable HTTP): {url}")
        print(f"REST adapter: http://127.0.0.1:{adapter_port}/v1/realtime/client_secrets")
        print("Register with an MCP client (e.g. .mcp.json / claude_desktop_config.json):")
        snippet = {"mcpServers": {"openai-realtime": {"type": "http", "url": url}}}
        print(json.dumps(snippet, indent=2))
        print("or over stdio, without a port:")
        stdio = {
            "mcpServers": {
                "openai-realtime": {
                    "command": sys.executable,
                    "args": ["-m", "openai_realtime_api.mcp"],
                    "env": {
                        "OPENAI_REALTIME_API_BASE_URL": env["OPENAI_REALTIME_API_BASE_URL"],
                        "OPENAI_REALTIME_API_TOKEN": "<your key>",
                    },
                }
            }
        }
        print(json.dumps(stdio, indent=2))
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
