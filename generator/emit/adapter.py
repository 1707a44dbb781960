"""REST adapter emitter: `<package>/adapter/`, the server stubs forwarding to the upstream.

Renders `Document.adapter` (built by `generator.plans.adapter`, where every forwarding decision is
made) with the templates in generator/templates/adapter/.
"""

from __future__ import annotations

from generator.config import Target
from generator.emit.render import render
from generator.emit.server import _models
from generator.emit.settled_imports import Files
from generator.ir.model import Document

_FILES = ("__init__", "__main__", "app")


def emit_adapter(doc: Document, target: Target) -> dict[str, str]:
    plan = doc.adapter
    if plan is None or doc.server is None or doc.mcp is None:
        return {}
    context = {
        "doc": doc,
        "target": target,
        "plan": plan,
        "mount_path": plan.mount_path,
        "env": doc.mcp.environment(target.package),  # the same upstream variables as the tools
        "models": _models(doc.server),
    }
    files = Files(
        {
            f"{target.package}/adapter/{name}.py": render(f"adapter/{name}.py.jinja", **context)
            for name in _FILES
        }
    )
    # app.py imports every model any operation uses: its block keeps those it names
    files.settle(f"{target.package}/adapter/app.py", target.package)
    return files
