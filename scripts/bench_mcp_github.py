"""GitHub's REST description as an MCP server: how long listing its tools takes (not a test).

    .venv/bin/python scripts/bench_mcp_github.py [--spec api.github.com.json] [--runs 5]
    .venv/bin/python scripts/bench_mcp_github.py --generated DIR   # a package made elsewhere

`--generated` measures a `github_api` package generated before (by another commit of the
generator, say: `git archive <commit> | tar -x -C /tmp/old`, then its `python -m generator
generate --spec .bench/api.github.com.json --out DIR --package github_api`), so a before/after
comparison runs in the same conditions.

Generates the package (fetched once with npm, like `make bench`), then measures, each in fresh
subprocesses:

- importing `<package>.mcp`, as generated (no bytecode cache when PYTHONDONTWRITEBYTECODE is
  set) and with its bytecode compiled, as `pip install` leaves it;
- in process: loading the tool data and building every `tools/list` page (the server's first
  listing), building the SDK's `Tool` models (`tool_definitions()`), and the bytes of each page;
- over stdio with the MCP SDK's own `Client`: the server's start (spawn to initialized) and a
  complete `tools/list`, every page, cursor by cursor. Also the CPU time each side spent on the
  listing (the sum is what an idle machine with a free core per side would need, about).

Prints the median and the best of `--runs` runs; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PACKAGE = "github_api"

_IMPORT = r"""
import json, time
t0 = time.perf_counter()
from github_api import mcp
print(json.dumps({"import_s": time.perf_counter() - t0}))
"""

_IN_PROCESS = r"""
import json, time
from github_api.mcp import server
t0 = time.perf_counter()
if hasattr(server, "_pages"):
    pages = list(server._pages().values())
else:  # a server from before the pages were cached: what its listing built and dumped
    from mcp import types
    every = server.tool_definitions()
    pages = [types.ListToolsResult(tools=every[i:i + server.PAGE_SIZE]).model_dump(
        by_alias=True, mode="json", exclude_none=True) for i in range(0, len(every), server.PAGE_SIZE)]
t1 = time.perf_counter()
tools = server.tool_definitions()
t2 = time.perf_counter()
sizes = [len(json.dumps(p, separators=(",", ":"))) for p in pages]
print(json.dumps({"tools": len(tools), "pages": len(pages), "load_and_pages_s": t1 - t0,
                  "sdk_models_s": t2 - t1, "bytes": sum(sizes), "page_bytes_min": min(sizes),
                  "page_bytes_max": max(sizes)}))
"""

_OVER_STDIO = r"""
import anyio, json, os, sys, time
from mcp import Client, StdioServerParameters

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

def server_cpu():
    # The CPU time of this process's children (the server), from /proc; None elsewhere.
    total, me = 0, os.getpid()
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            total += int(fields[11]) + int(fields[12])
    return total / TICK

async def main():
    params = StdioServerParameters(command=sys.executable, args=["-m", "github_api.mcp"],
                                   env={**os.environ, "GITHUB_API_BASE_URL": "http://127.0.0.1:9"})
    spawned = time.perf_counter()
    async with Client(params, cache=None) as client:
        started = time.perf_counter() - spawned
        pages, tools, cursor, first = 0, 0, None, None
        server0, client0 = server_cpu(), time.process_time()
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
        client1, server1 = time.process_time(), server_cpu()
        print(json.dumps({"tools": tools, "pages": pages, "start_s": started,
                          "first_page_s": first, "all_pages_s": t1 - t0,
                          "client_cpu_s": client1 - client0,
                          "server_cpu_s": None if server0 is None else server1 - server0}))

anyio.run(main)
"""


def _run(code: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"measurement failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and best of each timing; the counts of the first run."""
    out: dict[str, Any] = {}
    for key, value in rows[0].items():
        if key.endswith("_s") and value is not None:
            values = [r[key] for r in rows]
            out[key] = f"{statistics.median(values):.3f} (best {min(values):.3f})"
        else:
            out[key] = value
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--generated", type=Path, help="measure this package, do not generate")
    args = parser.parse_args()
    if args.generated is not None:
        measure(args.generated, args.runs)
        return 0
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
        measure(out, args.runs)
    return 0


def measure(out: Path, runs: int) -> None:
    """Every measurement of the package generated into `out` (which holds `github_api/`)."""
    for cache in (out / PACKAGE).rglob("__pycache__"):
        shutil.rmtree(cache)  # left by an earlier run: the first import starts without
    env = {**os.environ, "PYTHONPATH": str(out)}
    bytecode = "none" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "cached after the first"
    rows = [_run(_IMPORT, env) for _ in range(runs)]
    print(f"import {PACKAGE}.mcp (bytecode {bytecode}): {_summary(rows)}")
    compileall.compile_dir(out / PACKAGE, quiet=1)
    rows = [_run(_IMPORT, env) for _ in range(runs)]
    print(f"import {PACKAGE}.mcp (bytecode compiled, as installed): {_summary(rows)}")
    rows = [_run(_IN_PROCESS, env) for _ in range(runs)]
    print(f"in process: {_summary(rows)}")
    rows = [_run(_OVER_STDIO, env) for _ in range(runs)]
    print(f"stdio, MCP SDK client: {_summary(rows)}")


if __name__ == "__main__":
    sys.exit(main())
