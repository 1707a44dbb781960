"""GitHub's REST description as an MCP server: how long listing its tools takes (not a test).

    .venv/bin/python scripts/bench_mcp_github.py [--spec api.github.com.json]

Generates the package (fetched once with npm, like `make bench`), then measures in fresh
subprocesses: importing `<package>.mcp` and building every tool (`tool_definitions()`), and a real
`tools/list` over stdio with the MCP SDK's client, every page (server start excluded).
Prints the numbers; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PACKAGE = "github_api"

_IN_PROCESS = r"""
import json, sys, time
t0 = time.perf_counter()
from github_api import mcp
t1 = time.perf_counter()
tools = mcp.tool_definitions()
t2 = time.perf_counter()
from mcp import types
text = types.ListToolsResult(tools=tools).model_dump_json(by_alias=True, exclude_none=True)
t3 = time.perf_counter()
print(json.dumps({"tools": len(tools), "import_s": t1 - t0, "build_s": t2 - t1,
                  "serialize_s": t3 - t2, "bytes": len(text)}))
"""

_OVER_STDIO = r"""
import anyio, json, os, sys, time
from mcp import Client, StdioServerParameters

async def main():
    params = StdioServerParameters(command=sys.executable, args=["-m", "github_api.mcp"],
                                   env={**os.environ, "GITHUB_API_BASE_URL": "http://127.0.0.1:9"})
    async with Client(params, cache=None) as client:
        pages, tools, cursor, first = 0, 0, None, None
        t0 = time.perf_counter()
        while True:
            listed = await client.list_tools(cursor=cursor)
            pages += 1
            tools += len(listed.tools)
            first = first if first is not None else time.perf_counter() - t0
            cursor = listed.next_cursor
            if cursor is None:
                break
        t1 = time.perf_counter()
        print(json.dumps({"tools": tools, "pages": pages, "first_page_s": first, "all_pages_s": t1 - t0}))

anyio.run(main)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", type=Path)
    args = parser.parse_args()
    if args.spec is None:
        from benchmarks.environment import github_document

        args.spec = github_document()
    with tempfile.TemporaryDirectory(prefix="mcp-github-") as tmp:
        out = Path(tmp) / PACKAGE
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "generate",
                "--spec",
                str(args.spec),
                "--out",
                str(out),
                "--package",
                PACKAGE,
                "-q",
            ],
            cwd=ROOT,
            check=True,
        )
        print(f"generate: {time.perf_counter() - started:.1f} s")
        env_path = {"PYTHONPATH": str(out)}
        import os

        env = {**os.environ, **env_path}
        for label, code in (("in process", _IN_PROCESS), ("stdio tools/list", _OVER_STDIO)):
            done = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            print(f"{label}: {json.loads(done.stdout.strip().splitlines()[-1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
