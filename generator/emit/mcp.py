"""MCP server emitter: `<package>/mcp/`, on the official MCP Python SDK.

Renders `Document.mcp` (built by `generator.plans.mcp`, where every tool decision is made) with the
templates in generator/templates/mcp/; the server itself is generator/runtime/mcp/server.py,
copied as it is, with the document's names and variables rendered into `mcp/_config.py`. The
tools are one JSON data file beside the server (`tools.json`, package data read on first use), so
importing the server compiles no tool data and its code does not grow with the document.
"""

from __future__ import annotations

import json

from generator.config import Target
from generator.emit.render import render
from generator.emit.runtime import runtime_module
from generator.ir.model import Document

_FILES = ("__init__", "__main__", "_config")
# The runtime's `TOOLS_FILE` and `RESULT_PROPERTY` (generator.plans.mcp) name the same.
TOOLS_FILE = "tools.json"


def emit_mcp(doc: Document, target: Target) -> dict[str, str]:
    plan = doc.mcp
    if plan is None:
        return {}
    context = {
        "doc": doc,
        "target": target,
        "plan": plan,
        "env": plan.environment(target.package),
    }
    files = {
        f"{target.package}/mcp/{name}.py": render(f"mcp/{name}.py.jinja", **context)
        for name in _FILES
    }
    files[f"{target.package}/mcp/server.py"] = runtime_module("mcp/server.py")
    # Compact, sorted and ASCII-only: byte-identical on every run, on any platform.
    files[f"{target.package}/mcp/{TOOLS_FILE}"] = (
        json.dumps(plan.as_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    )
    return files
