"""Typed client SDK emitter: sync and async clients on httpx, one transport core, typed errors.

Renders `generator.plans.client.ClientPlan` (every decision is made there) with the templates in
generator/templates/client/. The runtime parts (transport core, retries, error bases, raw
responses) are plain modules in generator/runtime/client/, copied as they are, with what varies
per document rendered into `client/_config.py`; each package depends only on httpx and pydantic.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.config import Target
from generator.emit.model_imports import all_key, member_key, used_names
from generator.emit.model_modules import FLUSH_BYTES
from generator.emit.render import render
from generator.emit.runtime import runtime_module
from generator.emit.settled_imports import Files
from generator.ir.model import Document
from generator.plans.client import ClientPlan

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


def emit_client(
    doc: Document, target: Target, flush: Callable[[Files], None] | None = None
) -> dict[str, str]:
    """The client's files. With `flush`, they are handed to it as they are rendered (the
    package's `__init__.py` first, then a resource module or a few at a time), in the order of
    the files returned without it, and what is returned is what was left: the formatter starts
    on them while the rest renders."""
    plan = doc.client
    assert plan is not None, "build_document builds the client plan"
    # `__all__` in ruff's order (RUF022); params.py's kept as written when already sorted
    params = [d.name for d in plan.typed_dicts]
    params_all = sorted(params, key=all_key)
    webhooks = ["WEBHOOKS", "WebhookPayloadError", "parse_webhook"]
    context = {
        "doc": doc,
        "target": target,
        "plan": plan,
        "auth": plan.auth,
        "params_all": params_all,
        "params_all_kept": params_all == params,
        "webhooks_all": sorted([*webhooks, *(w.function for w in plan.webhooks)], key=all_key),
        "helper_exports": sorted(_helper_exports(plan), key=member_key),
    }
    base = f"{target.package}/client"
    files = Files({f"{base}/{name}": runtime_module(f"client/{name}") for name in _RUNTIME})
    files[f"{base}/_config.py"] = render("client/_config.py.jinja", **context)
    files[f"{base}/__init__.py"] = render("client/__init__.py.jinja", **context)
    files[f"{base}/_client.py"] = render("client/_client.py.jinja", **context)
    files[f"{base}/errors.py"] = render("client/errors.py.jinja", **context)
    files[f"{base}/params.py"] = render("client/params.py.jinja", **context)
    files[f"{base}/resources/__init__.py"] = render("client/resources/__init__.py.jinja", **context)
    # The templates import what a module may use; each module keeps what it does, in ruff's
    # order (generator.emit.settled_imports): the formatter only formats them.
    for path in (f"{base}/_client.py", f"{base}/errors.py"):
        files.settle(path, target.package)
    files.settle(f"{base}/params.py", target.package, _params_uses(plan))
    size = 0

    def rendered(text: str, *, last: bool = False) -> None:
        nonlocal files, size
        size += len(text)
        if flush is not None and files and (last or size >= FLUSH_BYTES):
            flush(files)
            files, size = Files(), 0

    rendered("", last=True)
    for resource in plan.resources:
        path = f"{base}/resources/{resource.module}.py"
        files[path] = render("client/resources/resource.py.jinja", resource=resource, **context)
        files.settle(path, target.package)
        rendered(files[path])
    if plan.webhooks:
        files[f"{base}/webhooks.py"] = render("client/webhooks.py.jinja", **context)
    if plan.has_helpers:
        files[f"{target.package}/helpers.py"] = render("client/helpers.py.jinja", **context)
    rendered("", last=True)
    return files


def _params_uses(plan: ClientPlan) -> set[str]:
    """The names params.py reads: its annotations' (their string literals are values, not
    names), `TypedDict` and `Required` where used, `TYPE_CHECKING` (the guard)."""
    fields = [field for d in plan.typed_dicts for field in d.fields]
    uses = used_names("\n".join(annotation for _, annotation, _ in fields))
    uses.add("TYPE_CHECKING")
    if plan.typed_dicts:
        uses.add("TypedDict")
    if any(required for _, _, required in fields):
        uses.add("Required")
    return uses


def _helper_exports(plan: ClientPlan) -> list[str]:
    """The names client/__init__.py re-exports from the package's helpers.py."""
    names: list[str] = []
    for branch in plan.branch_helpers:
        names += [branch.enum, branch.function, *(g.function for g in branch.guards)]
    names += [flatten.function for flatten in plan.flatten_helpers]
    return names
