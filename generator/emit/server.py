"""Server stub emitter: an ASGI application factory, a handler interface, typed responses.

Renders `Document.server` (built by `generator.plans.server`, where every decision is made) into
`<package>/server/`. The stubs import only FastAPI, Starlette, Pydantic, jsonschema and the
package's own models. Their runtime (`_runtime.py`, and `serve.py` re-exporting the package's
`_serving`) is generator/runtime/server/, copied as it is.
"""

from __future__ import annotations

from generator.config import Target
from generator.emit.render import render
from generator.emit.runtime import runtime_module
from generator.ir.model import Document
from generator.plans.server import SPEC_URI, ServerOperation, ServerPlan, dump_spec

_FILES = ("__init__", "_spec", "validation", "responses", "handlers", "app")


def emit_server(doc: Document, target: Target) -> dict[str, str]:
    plan = doc.server
    if plan is None:
        return {}
    context = {
        "doc": doc,
        "target": target,
        "plan": plan,
        "models": _models(plan),
        "spec_json": dump_spec(plan.spec),
        "spec_uri": SPEC_URI,
    }
    files = {
        f"{target.package}/server/{name}.py": render(f"server/{name}.py.jinja", **context)
        for name in _FILES
    }
    files[f"{target.package}/server/_runtime.py"] = runtime_module("server/_runtime.py")
    files[f"{target.package}/server/serve.py"] = runtime_module("server/serve.py")
    if plan.webhooks:  # the subscribers' receiver (3.1 `webhooks`)
        files[f"{target.package}/server/webhooks.py"] = render(
            "server/webhooks.py.jinja",
            webhook_models=_models(plan, plan.webhooks),
            **context,
        )
    return files


def _models(plan: ServerPlan, sops: tuple[ServerOperation, ...] | None = None) -> list[str]:
    """Every generated model a stub module names (unused ones are dropped by the formatter)."""
    names: set[str] = set()
    for sop in sops if sops is not None else plan.operations + plan.webhooks:
        op = sop.operation
        for p in op.parameters:
            names.update(p.type.models)
        if op.request_body is not None:
            names.update(op.request_body.type.models)
        for response in op.responses:
            for media in response.content:
                names.update(media.type.models)
            for header in response.headers:
                names.update(header.type.models)
    return sorted(names)
