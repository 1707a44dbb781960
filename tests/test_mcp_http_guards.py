"""The generated MCP server's streamable HTTP transport is served like the server stubs: the
package's `_serving` set-up (issue 23), not a bare `uvicorn.run`. Against
`python -m openai_realtime_api.mcp --transport http` on a raw socket: ambiguous framing is
refused and the connection closed (RFC 9112 6.1), so are bare line feeds, and an ordinary MCP
session still works on the same server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import anyio
import pytest
from mcp import Client

from tests.conftest import ROOT
from tests.reference_support.raw import exchange
from tests.reference_support.servers import free_port, wait_serving


@pytest.fixture(scope="module")
def mcp_url() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated" / "openai_realtime")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openai_realtime_api.mcp",
            *("--transport", "http", "--port", str(port)),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_serving(f"{url}/", process, "the MCP HTTP server did not start")
        yield url
    finally:
        process.terminate()
        _, err = process.communicate(timeout=30)
        assert "Traceback" not in err, err


def _post(body: bytes, *headers: str) -> bytes:
    lines = ["POST /mcp HTTP/1.1", "Host: 127.0.0.1", "Accept: application/json", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_ambiguous_framing_is_refused_and_the_connection_closed(mcp_url: str) -> None:
    smuggled = b"0\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    for framing in (
        ("Content-Length: 4", "Transfer-Encoding: chunked"),
        ("Transfer-Encoding: chunked", "Transfer-Encoding: identity"),
    ):
        answer = exchange(mcp_url, _post(smuggled, *framing))
        assert answer.statuses == [400] and answer.closed, (framing, answer.data)
        assert answer.header("content-type") == "application/json"
    bare_lf = b"GET / HTTP/1.1\nHost: 127.0.0.1\n\n"
    answer = exchange(mcp_url, bare_lf)
    assert answer.statuses == [400] and answer.closed, answer.data


def test_an_mcp_session_still_lists_the_tools(mcp_url: str) -> None:
    names: list[str] = []

    async def main() -> None:
        async with Client(f"{mcp_url}/mcp") as client:
            names.extend(tool.name for tool in (await client.list_tools()).tools)

    anyio.run(main)
    assert len(names) == 6, names  # one tool per operation of the OpenAI Realtime document
