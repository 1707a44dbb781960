"""Server stub emitter: an ASGI application factory, a handler interface, typed responses.

Renders `Document.server` (built by `generator.plans.server`, where every decision is made) into
`<package>/server/`. The stubs import only FastAPI, Starlette, Pydantic, jsonschema and the
package's own models. Their runtime (`_runtime.py`, and `serve.py` re-exporting the package's
`_serving`) is generator/runtime/server/, copied as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.config import Target
from generator.emit.model_imports import all_key
from generator.emit.render import render
from generator.emit.runtime import runtime_module
from generator.emit.settled_imports import Files
from generator.ir.model import Document
from generator.plans.server import SPEC_URI, ServerOperation, ServerPlan, dump_spec

_FILES = ("__init__", "_spec", "validation", "responses", "handlers", "app")
# The modules whose import block is settled before ruff sees them (generator.emit.
# settled_imports): their templates import every model any operation uses.
SETTLED = frozenset({"responses", "handlers", "app", "webhooks"})


def emit_server(
    doc: Document, target: Target, flush: Callable[[Files], None] | None = None
) -> dict[str, str]:
    """The server stubs' files. With `flush`, each module is handed to it as soon as it is
    rendered (the package's `__init__.py` first), in the order of the files returned without
    it, and what is returned is empty: GitHub's modules are about 3 MB each, and the formatter
    starts on one while the next renders."""
    plan = doc.server
    if plan is None:
        return {}
    context = {
        "doc": doc,
        "target": target,
        "plan": plan,
        "models": _models(plan),
        # in the order ruff's RUF022 sorts `__all__`
        "response_names": sorted(
            (name for sop in plan.operations + plan.webhooks for name in _response_names(sop)),
            key=all_key,
        ),
        "spec_json": dump_spec(plan.spec),
        "spec_uri": SPEC_URI,
    }
    files = Files()

    def rendered() -> None:
        nonlocal files
        if flush is not None and files:
            flush(files)
            files = Files()

    for name in _FILES:
        _render(files, name, target.package, context)
        rendered()
    files[f"{target.package}/server/_runtime.py"] = runtime_module("server/_runtime.py")
    files[f"{target.package}/server/serve.py"] = runtime_module("server/serve.py")
    if plan.webhooks:  # the subscribers' receiver (3.1 `webhooks`)
        context["webhook_models"] = _models(plan, plan.webhooks)
        _render(files, "webhooks", target.package, context)
    rendered()
    return files


def _render(files: Files, name: str, package: str, context: dict[str, object]) -> None:
    path = f"{package}/server/{name}.py"
    files[path] = render(f"server/{name}.py.jinja", **context)
    if name in SETTLED:
        files.settle(path, package)


def _response_names(sop: ServerOperation) -> list[str]:
    return [*(rc.name for rc in sop.responses), sop.result_alias]


def _models(plan: ServerPlan, sops: tuple[ServerOperation, ...] | None = None) -> list[str]:
    """Every generated model a stub module may name: each module's import block keeps those it
    uses (`settle_imports`)."""
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
