"""What the server stubs need beyond the operations: every server-side decision, made once.

The server emitter renders this plan and decides nothing. Decisions made here:

- **Response classes.** One class per documented (status, media type): `class_stem` of the
  response, plus a media suffix when a status documents several media types. `default` and range
  (`4XX`) responses become one raw pass-through class each that carries its own status code,
  content type and body. A name that collides with a generated model gets a `Response` suffix.
- **The client-error response** an invalid request receives (a request the stubs reject before
  the handler runs: bad parameters, a body that is not valid JSON or fails its schema, an
  unsupported content type). In order of preference:
  1. a documented `400`;
  2. a documented `422` (then it is documented, so allowed);
  3. a documented `4XX` range, answered with 400;
  4. a documented `default`, answered with 400;
  5. the lowest other documented 4xx whose meaning is not about who is calling or how often
     (401, 403, 405, 407, 426 and 429 are never used for a malformed request);
  6. none: an undocumented 400 (never 422), with a warning in the document's warnings.
- **The server-error response** the stubs' last-resort handler writes when a handler raises (or
  an implementation's `on_unhandled_error` hook declines): a documented `500`, else a `5XX`
  range or a `default` (answered with 500), with a JSON body that validates against it; an
  operation documenting none of them with a JSON body gets an undocumented 503 JSON `{error}`
  (one warning per document naming how many operations that is, not one per operation).
- **Error bodies** the stubs write themselves (client error, 405): the first of a fixed list of
  conventional shapes (`{"error": {...OpenAI...}}`, `{"error", "code"}`, `{"error"}`,
  `{"message"}`, problem+json, ...) that validates against the documented schema and uses only
  declared properties; decided here by validating the candidates, so every stub-made body is
  valid against the document.
- **Routing.** One route per path; `Allow` lists the documented methods of that path (upper
  case, document order). A method the path does not document gets 405 with that `Allow`, and the
  body of a 405 documented by any operation of the path, if any.
- **Validation.** Schemas are validated with JSON Schema semantics (Draft 2020-12). OpenAPI 3.0
  schemas are translated once into 2020-12 here (`nullable`, boolean `exclusiveMinimum`/
  `exclusiveMaximum`, `$ref` siblings ignored), so the generated package embeds only 2020-12
  schemas: the part of the document the operations reach, at the same JSON pointers.
"""

from __future__ import annotations

import copy
import json
import pickle
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from generator.errors import join_pointer, split_pointer
from generator.ir.media import media_kind
from generator.ir.model import Document, MediaType, Operation, Parameter, Response, Warning_
from generator.ir.naming import NameRegistry, pascal
from generator.loader.refs import resolve_pointer
from generator.plans.schema_check import SchemaCheck
from generator.schema_walk import _LIST, _MAP, _NESTING, _ONE, HTTP_METHODS

BodyKind = Literal["json", "text", "bytes", "none", "raw"]
ValueKind = Literal["integer", "number", "boolean", "string", "array", "object", "any"]

MESSAGE = "\u0000message\u0000"  # replaced by the problem description at run time
PARAM = "\u0000param\u0000"  # replaced by the failing parameter (or null)
SPEC_URI = "urn:openapi-contract:spec"

_NOT_FOR_MALFORMED = frozenset({401, 403, 405, 407, 426, 429})


@dataclass(frozen=True, slots=True)
class ResponseClass:
    name: str
    status: str  # as documented: "200", "4XX", "default"
    code: int | None  # exact status, None for ranges/default
    media_type: str | None  # None for a response without content, or a raw class
    body_kind: BodyKind
    body_annotation: str  # Python type of `body` ("None" when there is none)
    schema_pointer: str | None  # where the body's schema is, in the embedded document
    headers: tuple[tuple[str, str, bool, str], ...]  # (name, python name, required, annotation)
    description: str
    media_types: tuple[str, ...] = ()  # a raw class: the documented media types (may be empty)


@dataclass(frozen=True, slots=True)
class StubError:
    """A response the stubs write themselves (invalid request, method not allowed)."""

    class_name: str
    status: int
    media_type: str | None
    body_kind: BodyKind
    template: Any  # JSON with MESSAGE/PARAM markers, a str, or None
    documented: bool


@dataclass(frozen=True, slots=True)
class ParamPlan:
    name: str
    python_name: str
    location: str
    required: bool
    annotation: str
    kind: ValueKind
    item_kind: ValueKind
    explode: bool
    style: str
    schema_pointer: str | None
    content_json: bool  # the parameter uses `content` with a JSON media type
    # `in: querystring` (OpenAPI 3.2) read as a form: each property's kind, for coercion
    property_kinds: dict[str, ValueKind] | None = None


@dataclass(frozen=True, slots=True)
class BodyPlan:
    media_type: str
    kind: str  # MediaKind of the IR
    annotation: str
    schema_pointer: str | None
    property_kinds: tuple[tuple[str, ValueKind], ...]  # form and multipart fields


@dataclass(frozen=True, slots=True)
class ServerOperation:
    operation: Operation
    result_alias: str  # the union of the operation's response classes
    responses: tuple[ResponseClass, ...]
    params: tuple[ParamPlan, ...]
    bodies: tuple[BodyPlan, ...]
    body_required: bool
    body_annotation: str  # what the handler's `body` argument is ("" when no request body)
    client_error: StubError
    server_error: StubError
    webhook: bool = False  # a webhook the receiver serves, not an operation of the API

    @property
    def responses_key(self) -> str:
        """Its key among the documented responses: the operation id, or for a webhook
        `webhook <name> <METHOD>` (webhooks are a namespace of their own)."""
        op = self.operation
        return f"webhook {op.path} {op.method.upper()}" if self.webhook else op.operation_id


@dataclass(frozen=True, slots=True)
class PathPlan:
    path: str
    route_path: str  # Starlette route template with safe parameter names
    route_params: tuple[tuple[str, str], ...]  # (route name, document name)
    allow: tuple[str, ...]
    operations: tuple[tuple[str, str], ...]  # (METHOD, operation python name)
    method_not_allowed: StubError


@dataclass(frozen=True, slots=True)
class ServerPlan:
    operations: tuple[ServerOperation, ...]
    paths: tuple[PathPlan, ...]
    spec: dict[str, Any]  # the embedded 2020-12 schemas at their document pointers
    openapi: str
    # The receiver of the document's webhooks (3.1): planned exactly like operations (the
    # payload is the request body, the subscriber answers the documented responses), served by
    # `create_webhook_app` at a route per webhook.
    webhooks: tuple[ServerOperation, ...] = ()
    # One per webhook name (`path` is the name, `route_path` where it is served by default).
    webhook_routes: tuple[PathPlan, ...] = ()


def build_server_plan(raw: dict[str, Any], doc: Document) -> ServerPlan:
    planner = _Planner(raw, doc)
    try:
        return planner.plan()
    finally:
        # The check refers back to the planner (its bound methods), and the planner to the
        # loaded document: without the cycle, reference counting frees them once the pipeline
        # drops the document, not a collection of the whole heap later.
        planner.close()


class _Planner:
    def __init__(self, raw: dict[str, Any], doc: Document) -> None:
        self.raw = raw
        self.doc = doc
        self.minor = "3.0" if doc.openapi.startswith("3.0") else "3.1"
        self.pointers: list[str] = []
        self.class_names = NameRegistry(frozenset(s.python_name for s in doc.schemas))
        self._embedded: dict[str, Any] | None = None
        self._used: set[str] = set()  # `pointers` as a set: GitHub's has thousands
        # Error bodies are checked against their schema once per schema and candidate: most
        # operations of a large document share a handful of error responses.
        self._check = SchemaCheck(SPEC_URI, self.embedded, self._part)
        self._verdicts: dict[tuple[str, str], bool] = {}
        self._param_pointers: dict[str, tuple[str | None, bool]] = {}

    def close(self) -> None:
        del self._check  # see build_server_plan

    # -- the embedded schemas -----------------------------------------------------------------

    def use(self, pointer: str | None) -> str | None:
        if pointer is not None and pointer not in self._used:
            self._used.add(pointer)
            self.pointers.append(pointer)
        return pointer

    def embedded(self) -> dict[str, Any]:
        if self._embedded is None:
            self._embedded = self._embed()
        return self._embedded

    def _part(self, pointer: str) -> dict[str, Any]:
        """The part of the embedded document the schema at `pointer` needs (what `_embed` would
        place for it alone, with the same content): what its error-body check is given."""
        return self._embed([pointer])

    def _embed(self, pointers: list[str] | None = None) -> dict[str, Any]:
        """A copy of the document holding only the schemas at `pointers` (by default
        `self.pointers`) and their refs.

        A `$ref` into part of a component (`#/components/schemas/Tag/allOf/0`) embeds the whole
        component, so the part sits inside it at its own pointer, arrays kept as arrays. Schemas
        are placed enclosing ones first, so a part never builds containers of its own where its
        component will be.
        """
        found: dict[str, Any] = {}
        todo = deque(self.pointers if pointers is None else pointers)
        # A reference met before is queued already, ahead of any repeat (GitHub's schemas hold
        # about 18,000 references to a thousand places): queued once.
        queued: set[str] = set()
        while todo:
            pointer = todo.popleft()
            if pointer in found:
                continue
            try:
                node = resolve_pointer(self.raw, pointer, through_refs=True)
            except KeyError:
                continue
            for ref in _local_refs(node):
                if ref in queued:
                    continue
                queued.add(ref)
                todo.append(ref[1:])
                tokens = split_pointer(ref[1:])
                if len(tokens) > 3 and tokens[0] == "components":
                    todo.append(join_pointer("/components", *tokens[1:3]))
            # A copy: the embedded document is built in place (`_place`). A 3.0 schema's
            # rewriting copies it on the way.
            found[pointer] = (
                _from_openapi_30(node, _data_copy) if self.minor == "3.0" else _copied(node)
            )
        result: dict[str, Any] = {}
        for pointer in sorted(found, key=lambda p: len(split_pointer(p))):  # stable sort
            _place(result, pointer, found[pointer])
        return result

    def valid(self, pointer: str, candidate: Any) -> bool:
        """`_valid` against the schema at `pointer`, once per schema and candidate."""
        # `repr` tells apart every two JSON values the candidates are (a value written with
        # its keys in another order is only checked twice); `json.dumps(sort_keys=True)` built
        # an encoder per call, for 11,000 checks on GitHub's description.
        key = (pointer, repr(candidate))
        if key not in self._verdicts:
            self._verdicts[key] = _valid(partial(self._check.is_valid, pointer), candidate)
        return self._verdicts[key]

    # -- the plan -----------------------------------------------------------------------------

    def plan(self) -> ServerPlan:
        # Pointers first (the embedded document must be complete before bodies are chosen).
        for op in (*self.doc.operations, *self.doc.webhooks):
            for p in op.parameters:
                self.use(self.param_pointer(p)[0])
            if op.request_body:
                for m in op.request_body.content:
                    self.use(m.schema_pointer)
            for r in op.responses:
                for m in r.content:
                    self.use(m.schema_pointer)
        operations = tuple(self._operation(op) for op in self.doc.operations)
        undocumented = [s for s in operations if not s.server_error.documented]
        if undocumented:
            self.doc.warnings.append(
                Warning_(
                    f"{len(undocumented)} operation(s) document no server-error response (500, "
                    "5XX or default); the server stubs answer an unhandled error there with an "
                    "undocumented 503 JSON {error}, first: " + undocumented[0].operation.pointer,
                    "/paths",
                    "server-error-undocumented",
                )
            )
        paths = self._paths(operations)
        webhooks = tuple(self._operation(op, webhook=True) for op in self.doc.webhooks)
        silent = [
            s for s in webhooks if not s.client_error.documented and _can_be_invalid(s.operation)
        ]
        if silent:
            # Most webhooks document only their 2xx: one warning, not one per webhook.
            self.doc.warnings.append(
                Warning_(
                    f"{len(silent)} webhook(s) document no client-error response; the webhook "
                    "receiver answers an invalid delivery with an undocumented 400, first: "
                    + silent[0].operation.pointer,
                    "/" + silent[0].operation.pointer.split("/")[1],  # webhooks or x-webhooks
                    "webhook-client-error-undocumented",
                )
            )
        return ServerPlan(
            operations,
            paths,
            self.embedded(),
            self.doc.openapi,
            webhooks,
            self._paths(webhooks, webhook=True),
        )

    def _operation(self, op: Operation, webhook: bool = False) -> ServerOperation:
        responses: list[ResponseClass] = []
        for r in op.responses:
            responses.extend(self._response_classes(op, r))
        if not responses:
            # A document may leave an operation's responses out (3.1): anything is allowed,
            # so the one response class is a raw pass-through.
            responses.append(
                ResponseClass(
                    name=self.class_names.claim(op.class_stem + "Default"),
                    status="default",
                    code=None,
                    media_type=None,
                    body_kind="raw",
                    body_annotation="bytes | str",
                    schema_pointer=None,
                    headers=(),
                    description="No responses are documented for this operation.",
                )
            )
        alias = self.class_names.claim(op.class_stem + "Result")
        params = tuple(self._param(p) for p in op.parameters)
        bodies: tuple[BodyPlan, ...] = ()
        if op.request_body is not None:
            bodies = tuple(self._body(m) for m in op.request_body.content)
        body_annotation = ""
        if op.request_body is not None:
            body_annotation = op.request_body.type.annotation if bodies else "None"
            if not op.request_body.required and body_annotation not in ("Any", "None"):
                body_annotation += " | None"
        return ServerOperation(
            operation=op,
            result_alias=alias,
            responses=tuple(responses),
            params=params,
            bodies=bodies,
            body_required=bool(op.request_body and op.request_body.required),
            body_annotation=body_annotation,
            client_error=self._client_error(op, responses, warn=not webhook),
            server_error=self._server_error(op, responses),
            webhook=webhook,
        )

    def _response_classes(self, op: Operation, r: Response) -> list[ResponseClass]:
        headers = tuple((h.name, h.python_name, h.required, h.type.annotation) for h in r.headers)
        if r.code is None:
            return [
                ResponseClass(
                    name=self.class_names.claim(r.class_stem, ("response", op.pointer, r.status)),
                    status=r.status,
                    code=None,
                    media_type=None,
                    body_kind="raw",
                    body_annotation="bytes | str",
                    schema_pointer=None,
                    headers=headers,
                    description=r.description,
                    media_types=tuple(m.name for m in r.content),
                )
            ]
        if not r.content:
            return [
                ResponseClass(
                    self.class_names.claim(r.class_stem, ("response", op.pointer, r.status)),
                    r.status,
                    r.code,
                    None,
                    "none",
                    "None",
                    None,
                    headers,
                    r.description,
                )
            ]
        result = []
        for m in r.content:
            stem = r.class_stem if len(r.content) == 1 else r.class_stem + _media_suffix(m, r)
            kind: BodyKind = "json" if m.kind == "json" else "text" if m.kind == "text" else "bytes"
            annotation = (
                m.type.annotation if kind == "json" else "str" if kind == "text" else "bytes"
            )
            result.append(
                ResponseClass(
                    self.class_names.claim(stem, ("response", op.pointer, r.status, m.name)),
                    r.status,
                    r.code,
                    m.name,
                    kind,
                    annotation,
                    m.schema_pointer if kind in ("json", "text") else None,
                    headers,
                    r.description,
                )
            )
        return result

    def param_pointer(self, p: Parameter) -> tuple[str | None, bool]:
        """Where a parameter's schema is, and whether it comes from a JSON `content` entry."""
        if p.schema is None:
            return None, False
        # Asked twice of each parameter, and most of a large document's parameters are a few
        # shared components (`/components/parameters/owner`): found once per pointer.
        found = self._param_pointers.get(p.pointer)
        if found is None:
            found = self._param_pointers[p.pointer] = self._param_pointer(p)
        return found

    def _param_pointer(self, p: Parameter) -> tuple[str | None, bool]:
        try:
            raw = resolve_pointer(self.raw, p.pointer, through_refs=True)
        except KeyError:
            return None, False
        if isinstance(raw, dict) and "schema" in raw:
            return join_pointer(p.pointer, "schema"), False
        content = raw.get("content") if isinstance(raw, dict) else None
        if isinstance(content, dict) and content:
            media = next(iter(content))
            return join_pointer(p.pointer, "content", media, "schema"), media_kind(media) == "json"
        return None, False

    def _param(self, p: Parameter) -> ParamPlan:
        pointer, content_json = self.param_pointer(p)
        schema = self._deref(p.schema)
        kind = _value_kind(schema)
        item_kind: ValueKind = "any"
        if kind == "array" and isinstance(schema, dict):
            item_kind = _value_kind(self._deref(schema.get("items")))
        return ParamPlan(
            name=p.name,
            python_name=p.python_name,
            location=p.location,
            required=p.required,
            annotation=p.type.annotation if p.required else _optional(p.type.annotation),
            kind=kind,
            item_kind=item_kind,
            explode=p.explode,
            style=p.style,
            schema_pointer=pointer,
            content_json=content_json,
            property_kinds=(
                {
                    str(name): _value_kind(self._deref(sub))
                    for name, sub in (schema.get("properties") or {}).items()
                }
                if p.location == "querystring" and isinstance(schema, dict)
                else None
            ),
        )

    def _body(self, m: MediaType) -> BodyPlan:
        props: list[tuple[str, ValueKind]] = []
        schema = self._deref(m.schema)
        if m.kind in ("form", "multipart") and isinstance(schema, dict):
            for name, sub in (schema.get("properties") or {}).items():
                props.append((str(name), _value_kind(self._deref(sub))))
        annotation = (
            m.type.annotation
            if m.kind in ("json", "form", "multipart")
            else "str"
            if m.kind == "text"
            else "bytes"
        )
        return BodyPlan(m.name, m.kind, annotation, m.schema_pointer, tuple(props))

    def _deref(self, schema: Any) -> Any:
        seen: set[str] = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in seen or not ref.startswith("#"):
                return {}
            seen.add(ref)
            try:
                schema = resolve_pointer(self.raw, ref[1:])
            except KeyError:
                return {}
        return schema

    # -- responses the stubs write themselves ---------------------------------------------------

    def _client_error(
        self, op: Operation, classes: list[ResponseClass], warn: bool = True
    ) -> StubError:
        by_status = {r.status: r for r in op.responses}
        chosen: Response | None = None
        for status in ("400", "422", "4XX", "default"):
            if status in by_status:
                chosen = by_status[status]
                break
        if chosen is None:
            codes = sorted(
                r.code
                for r in op.responses
                if r.code is not None and 400 <= r.code < 500 and r.code not in _NOT_FOR_MALFORMED
            )
            if codes:
                chosen = by_status[str(codes[0])]
        if chosen is None and warn and _can_be_invalid(op):
            self.doc.warnings.append(
                Warning_(
                    "no documented client-error response (400, 422, 4XX, default or another "
                    "4xx); the server stubs answer an invalid request with an undocumented 400",
                    op.pointer,
                    "client-error-undocumented",
                )
            )
        if chosen is None:
            return StubError("", 400, "application/json", "json", {"error": MESSAGE}, False)
        return self._stub_error(op, chosen, classes, 400, "invalid_request")

    def _server_error(self, op: Operation, classes: list[ResponseClass]) -> StubError:
        by_status = {r.status: r for r in op.responses}
        for status in ("500", "5XX", "default"):
            media = _preferred_media(by_status[status]) if status in by_status else None
            # only a JSON body: a last resort never answers text/plain
            if media is not None and media.kind == "json":
                return self._stub_error(op, by_status[status], classes, 500, "internal_error")
        return StubError("", 503, "application/json", "json", {"error": MESSAGE}, False)

    def _stub_error(
        self, op: Operation, r: Response, classes: list[ResponseClass], status: int, code: str
    ) -> StubError:
        candidates = [c for c in classes if c.status == r.status]
        media = _preferred_media(r)
        cls = next(
            (c for c in candidates if c.media_type == (media.name if media else None)),
            candidates[0],
        )
        actual = r.code if r.code is not None else status
        if media is None:
            return StubError(cls.name, actual, None, "none", None, True)
        if media.kind == "text":
            return StubError(cls.name, actual, media.name, "text", MESSAGE, True)
        if media.kind != "json":
            return StubError(cls.name, actual, media.name, "bytes", MESSAGE, True)
        template = self._error_template(media, actual, code, op.pointer)
        return StubError(cls.name, actual, media.name, "json", template, True)

    def _error_template(self, media: MediaType, status: int, code: str, at: str) -> Any:
        schema = self._deref(media.schema)
        declared = (
            set((schema.get("properties") or {}).keys()) if isinstance(schema, dict) else set()
        )
        candidates = _candidates(media.name, status, code)
        synthesized = _from_required(schema, self._deref)
        if synthesized is not None:
            candidates.append(synthesized)
        at_schema = media.schema_pointer
        valid = [c for c in candidates if not at_schema or self.valid(at_schema, c)]
        for c in valid:
            if isinstance(c, dict) and declared and set(c) <= declared:
                return c
        if valid:
            return next((c for c in valid if isinstance(c, dict) and c), valid[0])
        self.doc.warnings.append(
            Warning_(
                "no conventional error body validates against this schema; the server stubs "
                "write {error: <message>} for the requests they reject",
                media.schema_pointer or at,
                "error-body-unconventional",
            )
        )
        return {"error": MESSAGE}

    def _paths(
        self, operations: tuple[ServerOperation, ...], webhook: bool = False
    ) -> tuple[PathPlan, ...]:
        """One route per path (or per webhook name), its methods in HTTP_METHODS order.

        A webhook's default route is its name when that is URL-safe (`/newPet`), else its
        Python name (`Account categories updated` -> `/account_categories_updated`); the
        subscriber registers whatever URL it likes with the provider, so
        `create_webhook_app(paths=...)` can move any of them. Webhooks keep document order.
        """
        by_path: dict[str, list[ServerOperation]] = {}
        for sop in operations:
            by_path.setdefault(sop.operation.path, []).append(sop)
        plans = []
        taken = NameRegistry()  # two webhooks may not share a route (`/a` and an unsafe `a`)
        for path, sops in by_path.items():
            sops.sort(key=lambda s: _method_order(s.operation.method))
            if webhook:
                safe = re.fullmatch(r"[A-Za-z0-9._~-]+", path)
                route_path = "/" + taken.claim(path if safe else sops[0].operation.python_name)
                route_params: tuple[tuple[str, str], ...] = ()
            else:
                route_path, route_params = _route_path(path)
            allow = tuple(s.operation.method.upper() for s in sops)
            nm: StubError | None = None
            for s in sops:
                r405 = next((r for r in s.operation.responses if r.status == "405"), None)
                classes = [c for c in s.responses if c.status == "405"]
                if r405 is not None and classes:
                    nm = self._stub_error(s.operation, r405, classes, 405, "method_not_allowed")
                    break
            if nm is None:
                nm = StubError("", 405, "application/json", "json", {"error": MESSAGE}, False)
            plans.append(
                PathPlan(
                    path,
                    route_path,
                    route_params,
                    allow,
                    tuple((s.operation.method.upper(), s.operation.python_name) for s in sops),
                    nm,
                )
            )
        if not webhook:  # concrete segments win over templated ones, as OpenAPI requires
            plans.sort(key=lambda p: (_template_profile(p.path), p.path))
        return tuple(plans)


# -- helpers --------------------------------------------------------------------------------


def _method_order(method: str) -> int:
    """The fixed methods in HTTP_METHODS order, then 3.2's additional ones (stable sort)."""
    return HTTP_METHODS.index(method) if method in HTTP_METHODS else len(HTTP_METHODS)


def _place(root: dict[str, Any], pointer: str, value: Any) -> None:
    """Put `value` at `pointer` in `root`, making the containers on the way.

    A schema already placed there (its enclosing schema came first) is kept as it is: the
    same content. An existing array on the way is walked by index, never replaced by an object
    (`allOf/0` must stay the first item of `allOf`).
    """
    tokens = split_pointer(pointer)
    node: Any = root
    for token in tokens[:-1]:
        if isinstance(node, list):
            if not (token.isdigit() and int(token) < len(node)):
                return  # cannot happen: the array came from the same document
            node = node[int(token)]
            continue
        child = node.get(token)
        if not isinstance(child, dict | list):
            child = {}
            node[token] = child
        node = child
    if isinstance(node, list):
        return  # an array item: its enclosing schema, placed first, holds it already
    if tokens:
        existing = node.get(tokens[-1])
        if isinstance(existing, dict) and isinstance(value, dict):
            # A parent placed after a child: keep the child's copy (identical content).
            merged = dict(value)
            for k, v in existing.items():
                merged.setdefault(k, v)
            node[tokens[-1]] = merged
        else:
            node[tokens[-1]] = value


def _value_kind(schema: Any) -> ValueKind:
    if not isinstance(schema, dict):
        return "any"
    declared = schema.get("type")
    if isinstance(declared, list):
        non_null = [t for t in declared if t != "null"]
        declared = non_null[0] if non_null else None
    if declared in ("integer", "number", "boolean", "string", "array", "object"):
        return declared  # type: ignore[no-any-return]
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            kind = _value_kind(sub)
            if kind != "any":
                return kind
    return "any"


def _optional(annotation: str) -> str:
    if annotation in ("Any", "None") or annotation.endswith("| None"):
        return annotation
    return f"{annotation} | None"


def _media_suffix(m: MediaType, r: Response) -> str:
    kinds = [x.kind for x in r.content]
    if kinds.count(m.kind) == 1:
        return {
            "json": "Json",
            "text": "Text",
            "binary": "Binary",
            "form": "Form",
            "multipart": "Multipart",
            "any": "Any",
        }[m.kind]
    return pascal(m.name.split(";")[0].replace("/", " "), "Media")


def _preferred_media(r: Response) -> MediaType | None:
    for kind in ("json", "text"):
        for m in r.content:
            if m.kind == kind:
                return m
    return r.content[0] if r.content else None


def _candidates(media: str, status: int, code: str) -> list[Any]:
    problem = {"type": "about:blank", "title": "Bad Request", "status": status, "detail": MESSAGE}
    openai = {
        "error": {"message": MESSAGE, "type": "invalid_request_error", "param": PARAM, "code": code}
    }
    found: list[Any] = [
        {"error": MESSAGE, "code": code},
        {"error": MESSAGE},
        openai,
        {"code": status, "message": MESSAGE},
        {"message": MESSAGE, "code": code},
        {"message": MESSAGE},
        {"detail": MESSAGE},
        problem,
        {"errors": [{"message": MESSAGE}]},
        {"error": True, "message": MESSAGE},
        {"success": False, "error": MESSAGE, "code": code},
        MESSAGE,
        {},
    ]
    if "problem" in media:
        found.insert(0, problem)
    return found


_PLACEHOLDERS: dict[str, Any] = {
    "boolean": True,
    "string": "",
    "integer": 0,
    "number": 0,
    "array": [],
    "object": {},
}


def _from_required(schema: Any, deref: Any) -> dict[str, Any] | None:
    """An error body built from an object schema's required properties (a last candidate).

    The message goes to a declared `error` or `message` string property; every other required
    property gets a placeholder of its type (a required boolean flag is `true`: an error body's
    flags say that something happened, like a `fallback: true`). Used only when it validates.
    """
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return None
    properties: dict[str, Any] = schema["properties"]
    body: dict[str, Any] = {}
    for name in ("error", "message"):
        if _value_kind(deref(properties.get(name))) == "string":
            body[name] = MESSAGE
            break
    for name in schema.get("required") or []:
        if name in body or not isinstance(name, str):
            continue
        kind = _value_kind(deref(properties.get(name)))
        if kind == "any":
            return None
        body[name] = _PLACEHOLDERS[kind]
    return body or None


def _sample(template: Any) -> Any:
    if template == MESSAGE:
        return "invalid request"
    if template == PARAM:
        return "body"
    if isinstance(template, dict):
        return {k: _sample(v) for k, v in template.items()}
    if isinstance(template, list):
        return [_sample(v) for v in template]
    return template


def _valid(is_valid: Callable[[Any], bool], candidate: Any) -> bool:
    sample = _sample(candidate)
    if not is_valid(sample):
        return False
    if (
        isinstance(candidate, dict)
        and "error" in candidate
        and isinstance(candidate["error"], dict)
    ):
        return is_valid({**sample, "error": {**sample["error"], "param": None}})
    return True


def _route_path(path: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    parts: list[str] = []
    params: list[tuple[str, str]] = []
    for segment in path.split("/"):
        out = ""
        rest = segment
        while "{" in rest and "}" in rest[rest.index("{") :]:
            start = rest.index("{")
            end = rest.index("}", start)
            name = f"p{len(params)}"
            params.append((name, rest[start + 1 : end]))
            out += rest[:start] + "{" + name + "}"
            rest = rest[end + 1 :]
        parts.append(out + rest)
    return "/".join(parts), tuple(params)


def _template_profile(path: str) -> tuple[int, ...]:
    return tuple(1 if "{" in s else 0 for s in path.strip("/").split("/"))


def _local_refs(schema: Any) -> list[str]:
    """The local `$ref`s (`#...`) of `schema` and its subschemas, in the order
    `iter_subschemas` meets them (depth first, in document order), without the pointer of each
    subschema it builds: `_embed` walks every embedded schema, GitHub's about 50,000."""
    found: list[str] = []
    stack: list[Any] = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            found.append(ref)
        if _NESTING.isdisjoint(node):
            continue
        children: list[Any] = []
        for key in _ONE:
            if isinstance(node.get(key), dict):
                children.append(node[key])
        if isinstance(node.get("items"), list):  # OpenAPI 3.0 / draft 4 tuple form
            children.extend(node["items"])
        for key in _LIST:
            if isinstance(node.get(key), list):
                children.extend(node[key])
        for key in _MAP:
            if isinstance(node.get(key), dict):
                children.extend(node[key].values())
        stack.extend(reversed(children))
    return found


def _copied(node: Any) -> Any:
    """`copy.deepcopy(node)` made by pickle: the same copy of a parsed document's values (a
    part met twice is copied once, as deepcopy's memo keeps it), about five times faster on
    GitHub's schemas. A value pickle cannot take is deep-copied."""
    try:
        return pickle.loads(pickle.dumps(node, pickle.HIGHEST_PROTOCOL))
    except Exception:
        return copy.deepcopy(node)


def _kept(value: Any) -> Any:
    return value


def _data_copy(value: Any) -> Any:
    """A copy of a value kept as it is (`enum`, `required`, `default`): `_copied` of a
    container, a scalar itself."""
    return _copied(value) if isinstance(value, dict | list) else value


def _from_openapi_30(schema: Any, kept: Callable[[Any], Any] = _kept) -> Any:
    """An OpenAPI 3.0 schema object rewritten as the JSON Schema 2020-12 it means.

    `kept` is given each value taken over as it is (`_data_copy`: the result shares nothing
    with `schema`, as the rewriting of `_copied(schema)` did not).
    """
    # Scalars (most values) are kept where they stand, not passed to a call of their own.
    if isinstance(schema, list):
        return [_from_openapi_30(s, kept) if isinstance(s, dict | list) else s for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:  # 3.0: siblings of $ref are ignored
        return {"$ref": kept(schema["$ref"])}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties", "definitions", "$defs"):
            out[key] = (
                {
                    k: _from_openapi_30(v, kept) if isinstance(v, dict | list) else v
                    for k, v in value.items()
                }
                if isinstance(value, dict)
                else kept(value)
            )
        elif key in (
            "items",
            "additionalProperties",
            "not",
            "allOf",
            "anyOf",
            "oneOf",
            "contains",
            "propertyNames",
        ):
            out[key] = _from_openapi_30(value, kept) if isinstance(value, dict | list) else value
        elif key in ("example", "nullable", "discriminator", "xml", "externalDocs"):
            continue
        else:
            out[key] = kept(value)
    return bounds_and_null_30(schema, out)


def bounds_and_null_30(schema: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    """`out` (a 3.0 schema's keywords, translated) with what 3.0's boolean exclusive bounds and
    `nullable` mean in 2020-12: the bound moved to `exclusiveMinimum`/`exclusiveMaximum`, and
    null added to the type (or the schema made `anyOf` it and null)."""
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = schema.get(exclusive)
        if isinstance(flag, bool):
            out.pop(exclusive, None)
            if flag and bound in out:
                out[exclusive] = out.pop(bound)
    if schema.get("nullable") is True:
        declared = out.get("type")
        if isinstance(declared, str):
            out["type"] = [declared, "null"]
            if isinstance(out.get("enum"), list) and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        elif declared is None:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def dump_spec(spec: dict[str, Any]) -> str:
    """The embedded document as one deterministic JSON text."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


_UNCONSTRAINED_STRING_KEYS = frozenset(
    {"type", "description", "title", "example", "examples", "deprecated"}
)


def _can_be_invalid(op: Operation) -> bool:
    """Whether some request to `op` can fail validation (a body, a required or constrained parameter).

    An operation whose only inputs are optional parameters that accept any string cannot receive
    an invalid request, so its lack of a documented client-error response needs no warning.
    """
    if op.request_body is not None:
        return True
    for param in op.parameters:
        schema = param.schema if isinstance(param.schema, dict) else {}
        plain = (
            schema.get("type", "string") == "string" and set(schema) <= _UNCONSTRAINED_STRING_KEYS
        )
        if not plain or (param.required and param.location != "path"):
            return True
    return False
