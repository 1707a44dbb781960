"""Typed client SDK emitter: sync and async clients on httpx, one transport core, typed errors.

Renders `generator.plans.client.ClientPlan` (every decision is made there) with the templates in
generator/templates/client/. The runtime parts (transport core, retries, error bases, raw
responses) are plain modules in generator/runtime/client/, copied as they are, with what varies
per document rendered into `client/_config.py`; each package depends only on httpx and pydantic.
"""

from __future__ import annotations

from generator.config import Target
from generator.emit.render import render
from generator.emit.runtime import runtime_module
from generator.ir.model import Document

# Copied from generator/runtime/client/.
_RUNTIME = (
    "_auth.py",
    "_errors.py",
    "_lenient.py",
    "_retry.py",
    "_raw.py",
    "_transport.py",
    "_streaming.py",
    "_files.py",
    "_pagination.py",
)


def emit_client(doc: Document, target: Target) -> dict[str, str]:
    plan = doc.client
    assert plan is not None, "build_document builds the client plan"
    context = {
        "doc": doc,
        "target": target,
        "plan": plan,
        "auth": plan.auth,
    }
    base = f"{target.package}/client"
    files = {f"{base}/{name}": runtime_module(f"client/{name}") for name in _RUNTIME}
    files[f"{base}/_config.py"] = render("client/_config.py.jinja", **context)
    files[f"{base}/__init__.py"] = render("client/__init__.py.jinja", **context)
    files[f"{base}/_client.py"] = render("client/_client.py.jinja", **context)
    files[f"{base}/errors.py"] = render("client/errors.py.jinja", **context)
    files[f"{base}/params.py"] = render("client/params.py.jinja", **context)
    files[f"{base}/resources/__init__.py"] = render("client/resources/__init__.py.jinja", **context)
    for resource in plan.resources:
        files[f"{base}/resources/{resource.module}.py"] = render(
            "client/resources/resource.py.jinja", resource=resource, **context
        )
    if plan.webhooks:
        files[f"{base}/webhooks.py"] = render("client/webhooks.py.jinja", **context)
    if plan.has_helpers:
        files[f"{target.package}/helpers.py"] = render("client/helpers.py.jinja", **context)
    return files
