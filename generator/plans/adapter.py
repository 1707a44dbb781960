"""What the generated REST adapter needs: how each stub handler forwards to the upstream.

The adapter (`<package>/adapter/`) is the document's own server stubs whose handlers call the
real upstream through the document's own client, so requests are validated by the stubs on the
way in and responses by the client (and, with `validate_responses`, by the stubs) on the way
out. Decisions made here, once:

- **The call.** The handler of operation X calls the client method the client plan names for X
  (`resource` attribute, `method`), passing each per-call parameter the client takes under the
  same Python name, the body as `body=`, and, for a body with several media types, the caller's
  own media type as `content_type=`. Client-level headers (set once on a client) and headers the
  client ignores (Accept, Content-Type, Authorization) are forwarded as `extra_headers` when the
  caller sent them.
- **The answer.** The upstream's status picks the operation's response class: the class of
  that exact status (and media type, when a status documents several), else the class of its
  range (`4XX`), else the `default` class. A typed class gets the parsed body (a documented error
  body is the client exception's typed `.body`) and its documented headers; a raw class (range,
  `default`) gets the status, content type and text verbatim. An answer no class documents is a
  502 raised by the adapter, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.ir.model import Document
from generator.plans.client import IGNORED_HEADERS


@dataclass(frozen=True, slots=True)
class AdapterResponse:
    class_name: str
    status: str  # "200", "4XX", "default"
    media_type: str | None
    body_kind: str  # json, text, bytes, none, raw
    header_fields: tuple[tuple[str, str], ...]  # (wire name, attribute)


@dataclass(frozen=True, slots=True)
class AdapterOperation:
    handler: str  # the Handlers method (server plan)
    resource: str  # client attribute (client plan)
    method: str  # client method (client plan)
    signature: tuple[tuple[str, str], ...]  # handler keywords and annotations (server plan)
    body_annotation: str  # "" when the operation has no body
    result_alias: str
    call_arguments: tuple[str, ...]  # handler keywords passed to the client under the same name
    forwarded_headers: tuple[tuple[str, str], ...]  # (wire name, handler keyword)
    has_body: bool
    content_types: tuple[str, ...]  # several: the caller's is passed as content_type=
    responses: tuple[AdapterResponse, ...]


@dataclass(frozen=True, slots=True)
class AdapterPlan:
    operations: tuple[AdapterOperation, ...]
    # Where the adapter serves: the path of the document's first absolute server URL (`/v1` of
    # `https://api.openai.com/v1`), so a caller uses the adapter's URL exactly like the upstream's.
    mount_path: str
    default_base_url: str | None


def build_adapter_plan(doc: Document) -> AdapterPlan:
    assert doc.client is not None and doc.server is not None, "plans are built first"
    by_op = {id(o.op): (r.attribute, o) for r in doc.client.resources for o in r.operations}
    operations = []
    for sop in doc.server.operations:
        op = sop.operation
        resource, planned = by_op[id(op)]
        taken = {p.python_name for p in planned.params}
        forwarded = tuple(
            (p.name, p.python_name)
            for p in sop.params
            if p.location == "header"
            and p.python_name not in taken
            and p.name.lower() not in IGNORED_HEADERS
        )
        operations.append(
            AdapterOperation(
                handler=op.python_name,
                resource=resource,
                method=planned.body_method,  # the body as the stub received it
                signature=tuple((p.python_name, p.annotation) for p in sop.params),
                body_annotation=sop.body_annotation,
                result_alias=sop.result_alias,
                call_arguments=tuple(p.python_name for p in planned.params),
                forwarded_headers=forwarded,
                has_body=planned.body is not None,
                content_types=planned.body.content_types if planned.body else (),
                responses=tuple(
                    AdapterResponse(
                        r.name,
                        r.status,
                        r.media_type,
                        r.body_kind,
                        tuple((h[0], h[1]) for h in r.headers),
                    )
                    for r in sop.responses
                ),
            )
        )
    base = next((u for u in doc.servers if u.startswith(("http://", "https://"))), None)
    mount = urlsplit(base).path.rstrip("/") if base else ""
    return AdapterPlan(tuple(operations), mount, base)
