"""Our generated ServiceAi MCP server next to FastMCP's `FastMCP.from_openapi`, measured.

    .venv/bin/python scripts/compare_fastmcp.py

Both servers get the same document (spec/openapi.yaml with its overlays) and talk to the same
reference backend (with the fake OpenAI upstream) on loopback. FastMCP runs in a throwaway
virtualenv under the ignored `.bench/fastmcp-venv` (fastmcp pinned, created on first use), so
the project never depends on it. Each server is driven in process by its own SDK's client; the
script prints what each exposes (names, hints, schemas, results, errors, SDP) as JSON lines and
a markdown table. It asserts nothing and is not part of `make test`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FASTMCP = "fastmcp==4.2.3"
VENV = ROOT / ".bench" / "fastmcp-venv"
SDP = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"

# Shared by both probes: what a tool list and a few calls show. `SERVER` and `calls` are bound
# by the probe-specific prelude.
_SUMMARY = r"""
import json, time

def refs(node):
    if isinstance(node, dict):
        return any(k == "$ref" or refs(v) for k, v in node.items())
    if isinstance(node, list):
        return any(refs(v) for v in node)
    return False

def describe(tools):
    out = {}
    for t in tools:
        a = t.annotations
        schema = t.input_schema if hasattr(t, "input_schema") else t.inputSchema
        output = t.output_schema if hasattr(t, "output_schema") else t.outputSchema
        out[t.name] = {
            "hints": None if a is None else [
                getattr(a, "read_only_hint", getattr(a, "readOnlyHint", None)),
                getattr(a, "destructive_hint", getattr(a, "destructiveHint", None)),
                getattr(a, "idempotent_hint", getattr(a, "idempotentHint", None)),
            ],
            "arguments": sorted(schema.get("properties", {})),
            "required": sorted(schema.get("required", [])),
            "defs": sorted(schema.get("$defs", schema.get("definitions", {}))),
            "refs": refs(schema),
            "output_schema": output is not None,
            "schema_bytes": len(json.dumps(schema)) + len(json.dumps(output or {})),
        }
    return out

def result(r):
    is_error = getattr(r, "is_error", None)
    if is_error is None:
        is_error = getattr(r, "isError", False)
    structured = getattr(r, "structured_content", None)
    if structured is None:
        structured = getattr(r, "structuredContent", None)
    return {
        "is_error": bool(is_error),
        "structured": structured,
        "text": [c.text[:160] for c in r.content if getattr(c, "type", "") == "text"],
    }
"""

_FASTMCP_PROBE = (
    _SUMMARY
    + r"""
import asyncio, sys, httpx2
from fastmcp import FastMCP, Client

spec = json.load(open(sys.argv[1]))
base, token, nobody = sys.argv[2], sys.argv[3], sys.argv[4]

def server(bearer):
    client = httpx2.AsyncClient(base_url=base, headers={"Authorization": "Bearer " + bearer})
    return FastMCP.from_openapi(openapi_spec=spec, client=client, name="serviceai")

async def main():
    t0 = time.perf_counter(); mcp = server(token); built = time.perf_counter() - t0
    report = {"server": "FastMCP.from_openapi", "build_s": built}
    async with Client(mcp) as c:
        t0 = time.perf_counter(); tools = await c.list_tools(); report["list_s"] = time.perf_counter() - t0
        report["tools"] = describe(tools)
        names = {t.name: t for t in tools}
        by_op = {n.lower(): n for n in names}
        def name(op): return next(v for k, v in by_op.items() if k.replace("-", "_").startswith(op))
        report["names"] = sorted(names)
        listed = await c.call_tool(name("listchattytools"), {}, raise_on_error=False)
        report["list_result"] = result(listed)
        csrf = await c.call_tool(name("getcsrftoken"), {}, raise_on_error=False)
        token_value = next(v for v in (csrf.structured_content or {}).values() if isinstance(v, str))
        args = {"sdp": SDP, "X-CSRF-Token": token_value}
        schema = names[name("exchangerealtimesdp")].inputSchema
        if "body" in schema.get("properties", {}):
            args = {"body": {"sdp": SDP}, "X-CSRF-Token": token_value}
        report["sdp_output_schema"] = names[name("exchangerealtimesdp")].outputSchema
        try:
            sdp = await c.call_tool(name("exchangerealtimesdp"), args, raise_on_error=False)
            report["sdp_result"] = result(sdp)
        except Exception as exc:  # what the SDK client raises is the finding
            report["sdp_result"] = {"client_raised": type(exc).__name__ + ": " + str(exc)}
    async with Client(server(nobody)) as c:
        denied = await c.call_tool(name("listchattytools"), {}, raise_on_error=False)
        report["error_result"] = result(denied)
    print(json.dumps(report, default=str))

"""
    + f"SDP = {SDP!r}\nasyncio.run(main())\n"
)

_OURS_PROBE = (
    _SUMMARY
    + r"""
import anyio, sys
from mcp import Client
from serviceai_api.client import AsyncClient
from serviceai_api.mcp import build_server

base, token, nobody = sys.argv[2], sys.argv[3], sys.argv[4]

async def main():
    t0 = time.perf_counter(); srv = build_server(AsyncClient(base, token=token)); built = time.perf_counter() - t0
    report = {"server": "serviceai_api.mcp (generated)", "build_s": built}
    async with Client(srv) as c:
        t0 = time.perf_counter(); listed_tools = (await c.list_tools()).tools
        report["list_s"] = time.perf_counter() - t0
        report["tools"] = describe(listed_tools)
        report["names"] = sorted(t.name for t in listed_tools)
        report["list_result"] = result(await c.call_tool("list_chatty_tools", {}))
        csrf = await c.call_tool("get_csrf_token", {})
        token_value = next(v for v in csrf.structured_content.values() if isinstance(v, str))
        sdp = await c.call_tool("exchange_realtime_sdp", {"body": {"sdp": SDP}, "x_csrf_token": token_value})
        report["sdp_result"] = result(sdp)
    async with Client(build_server(AsyncClient(base, token=nobody))) as c:
        report["error_result"] = result(await c.call_tool("list_chatty_tools", {}))
    print(json.dumps(report, default=str))

"""
    + f"SDP = {SDP!r}\nanyio.run(main)\n"
)


def _fastmcp_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", FASTMCP],
            check=True,
        )
    return python


def _run(python: Path, code: str, args: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [str(python), "-c", code, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-3000:])
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _table(reports: list[dict[str, object]]) -> str:
    """What each server exposes, side by side (markdown)."""
    rows = [
        "| | " + " | ".join(str(r["server"]) for r in reports) + " |",
        "| --- |" + " --- |" * len(reports),
    ]

    def row(label: str, cell: object) -> None:
        rows.append(f"| {label} | " + " | ".join(str(cell(r)) for r in reports) + " |")  # type: ignore[operator]

    def tools(r: dict[str, object]) -> dict[str, dict[str, object]]:
        return r["tools"]  # type: ignore[return-value]

    row("tools", lambda r: len(tools(r)))
    row("tool names", lambda r: ", ".join(f"`{n}`" for n in r["names"]))
    row("tools with hints", lambda r: sum(t["hints"] is not None for t in tools(r).values()))
    row(
        "hints (readOnly, destructive, idempotent) of the list tool",
        lambda r: next(
            t["hints"] for n, t in tools(r).items() if "list" in n.lower() and "tool" in n.lower()
        ),
    )
    row("input schemas with `$ref`", lambda r: sum(bool(t["refs"]) for t in tools(r).values()))
    row(
        "tools with an output schema",
        lambda r: sum(bool(t["output_schema"]) for t in tools(r).values()),
    )
    row(
        "schema bytes (input + output, all tools)",
        lambda r: sum(int(t["schema_bytes"]) for t in tools(r).values()),
    )
    row("list tools: structured content", lambda r: type(r["list_result"]["structured"]).__name__)
    row("SDP answer (`application/sdp`)", lambda r: json.dumps(r["sdp_result"])[:140])
    row("documented 403", lambda r: json.dumps(r["error_result"])[:160])
    row("server built in (s)", lambda r: f"{r['build_s']:.3f}")
    row("tools/list in process (s)", lambda r: f"{r['list_s']:.3f}")
    return "\n".join(rows)


def main() -> int:
    from generator.loader import load_document
    from tests.conftest import OVERLAYS, SPEC
    from tests.reference_support.fixtures import start_stack

    fastmcp_python = _fastmcp_python()
    with tempfile.TemporaryDirectory(prefix="compare-fastmcp-") as tmp:
        spec_file = Path(tmp) / "serviceai.json"
        spec_file.write_text(json.dumps(load_document(SPEC, overlay_dir=OVERLAYS).data))
        for stack in start_stack(Path(tmp)):
            args = [str(spec_file), stack.url, "tok-alice", "tok-nobody"]
            started = time.perf_counter()
            reports = [
                _run(Path(sys.executable), _OURS_PROBE, args),
                _run(fastmcp_python, _FASTMCP_PROBE, args),
            ]
            print(f"both probes: {time.perf_counter() - started:.1f} s", file=sys.stderr)
            for report in reports:
                print("REPORT " + json.dumps(report, default=str))
            print(_table(reports))
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
