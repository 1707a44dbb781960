"""Run-time support of the server stubs: request reading and validation, response rendering.

Requests are read and validated with JSON Schema semantics (not Pydantic coercion) before a
handler runs; a handler returns one of its operation's response classes, which this module
turns into an HTTP response.
"""

from __future__ import annotations

import json
import logging
import math
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote

from fastapi import FastAPI
from pydantic import TypeAdapter, ValidationError
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from . import validation

MESSAGE = "\u0000message\u0000"
PARAM = "\u0000param\u0000"
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_ARRAY_SEPARATORS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}
# A JSON string (skipped whole, so brackets inside it do not count) or one bracket.
_JSON_NESTING = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

log = logging.getLogger(__name__.rpartition(".")[0])  # <package>.server


@dataclass(frozen=True)
class Limits:
    """What one request may hold before it is refused with the operation's client error.

    `max_body_bytes` bounds the request body (read as a stream, never whole beyond it);
    `max_json_depth` bounds the nesting of a JSON body or JSON parameter, checked before the
    parser runs (Python's parser recurses, so a deep document would otherwise be a crash).
    """

    max_body_bytes: int = 1024 * 1024
    max_json_depth: int = 64


class ContractViolation(RuntimeError):
    """A handler returned something its operation does not document."""


@dataclass(frozen=True)
class RequestProblem:
    """Why a request was rejected before its handler ran."""

    message: str
    location: str  # "path", "query", "header", "cookie", "body" or "content-type"
    name: str | None = None  # the parameter (or body property path) at fault
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestContext:
    """What a handler gets besides its typed inputs: the request and what the document says."""

    request: Request
    operation_id: str
    security: tuple[tuple[str, ...], ...]  # alternatives, each a set of security scheme names

    @property
    def client_host(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def request_id(self) -> str:
        """The request's id for log lines and `X-Request-ID`: the client's own when it is a plain
        token (up to 64 of `A-Za-z0-9._-`), else a new one; the same for the whole request."""
        state = self.request.state
        found: str | None = getattr(state, "request_id", None)
        if found is None:
            given = self.request.headers.get("x-request-id", "")
            found = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
            state.request_id = found
        return found

    def bearer_token(self) -> str | None:
        value = self.request.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None


class StubResponse:
    """Base of every response class: one documented status and media type of one operation."""

    DOCUMENTED_STATUS: ClassVar[str] = ""
    MEDIA_TYPE: ClassVar[str | None] = None
    BODY_KIND: ClassVar[str] = "none"  # json, text, bytes, none, raw
    BODY_ADAPTER: ClassVar[TypeAdapter[Any] | None] = None
    SCHEMA_POINTER: ClassVar[str | None] = None
    HEADER_FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()  # (wire name, attribute)

    def http_status(self) -> int:
        return int(self.DOCUMENTED_STATUS)

    def effective_content_type(self) -> str | None:
        return self.MEDIA_TYPE

    def body_bytes(self) -> bytes:
        body = getattr(self, "body", None)
        if self.BODY_KIND == "none":
            return b""
        if self.BODY_KIND == "json":
            adapter = self.BODY_ADAPTER or TypeAdapter(Any)
            data = adapter.dump_python(
                body, mode="json", by_alias=True, exclude_unset=True, warnings=False
            )
            return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if isinstance(body, str):
            return body.encode("utf-8")
        if isinstance(body, bytes | bytearray):
            return bytes(body)
        raise ContractViolation(f"{type(self).__name__}: body must be str or bytes")

    def response_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        for wire, attribute in self.HEADER_FIELDS:
            value = getattr(self, attribute, None)
            if value is not None:
                headers[wire] = _header_text(value)
        headers.update(getattr(self, "headers", None) or {})
        return headers

    def to_response(self) -> Response:
        content_type = self.effective_content_type()
        headers = self.response_headers()
        if content_type is not None:
            headers["content-type"] = content_type
        return Response(self.body_bytes(), status_code=self.http_status(), headers=headers)


class RawResponse(StubResponse):
    """A `default` or range (`4XX`) response: status, content type and body given verbatim."""

    BODY_KIND: ClassVar[str] = "raw"
    MEDIA_TYPES: ClassVar[tuple[str, ...]] = ()
    status_code: int
    body: bytes | str
    content_type: str

    def http_status(self) -> int:
        status = self.status_code
        if not 100 <= status <= 599:
            raise ContractViolation(f"{type(self).__name__}: status {status} is not HTTP")
        if self.DOCUMENTED_STATUS.endswith("XX") and str(status)[0] != self.DOCUMENTED_STATUS[0]:
            raise ContractViolation(
                f"{type(self).__name__}: status {status} is outside {self.DOCUMENTED_STATUS}"
            )
        return status

    def effective_content_type(self) -> str | None:
        return self.content_type or None


@dataclass(frozen=True)
class StubError:
    """A response the stubs write themselves (invalid request, method not allowed)."""

    status: int
    media_type: str | None
    body_kind: str
    template: Any

    def render(self, message: str, param: str | None, extra: Mapping[str, str]) -> Response:
        headers = dict(extra)
        if self.media_type is not None:
            headers["content-type"] = self.media_type
        if self.body_kind == "json":
            body = json.dumps(_fill(self.template, message, param), separators=(",", ":"))
            return Response(body.encode("utf-8"), self.status, headers=headers)
        if self.body_kind in ("text", "bytes"):
            return Response(message.encode("utf-8"), self.status, headers=headers)
        return Response(b"", self.status, headers=headers)


@dataclass(frozen=True)
class ParamSpec:
    name: str
    python_name: str
    location: str
    required: bool
    kind: str
    item_kind: str
    explode: bool
    style: str
    schema_pointer: str | None
    content_json: bool
    adapter: TypeAdapter[Any]
    # `in: querystring` (OpenAPI 3.2) with a form media type: the object's property -> kind
    property_kinds: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BodySpec:
    media_type: str
    kind: str
    schema_pointer: str | None
    adapter: TypeAdapter[Any]
    property_kinds: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OperationSpec:
    operation_id: str
    python_name: str
    security: tuple[tuple[str, ...], ...]
    params: tuple[ParamSpec, ...]
    bodies: tuple[BodySpec, ...]
    has_body: bool
    body_required: bool
    responses: tuple[type[StubResponse], ...]
    client_error: StubError
    server_error: StubError
    # The key of its documented responses in `validation.RESPONSES` when it is not the
    # operation id (a webhook's: `webhook <name> <METHOD>`, a namespace of its own).
    responses_key: str = ""


Handler = Callable[..., Awaitable[StubResponse]]
InvalidHook = Callable[[RequestContext, RequestProblem], Awaitable[StubResponse | None]]
ErrorHook = Callable[[RequestContext, Exception], Awaitable[StubResponse | None]]


async def dispatch(
    request: Request,
    spec: OperationSpec,
    handler: Handler,
    on_invalid: InvalidHook,
    path_params: Mapping[str, str],
    validate_responses: bool,
    limits: Limits = Limits(),
    on_error: ErrorHook | None = None,
) -> Response:
    ctx = RequestContext(request, spec.operation_id, spec.security)
    try:
        inputs = await read_inputs(request, spec, path_params, limits)
        if isinstance(inputs, RequestProblem):
            custom = await on_invalid(ctx, inputs)
            if custom is None:
                return spec.client_error.render(inputs.message, inputs.name, {})
            return render(custom, spec, validate_responses)
        return render(await handler(ctx, **inputs), spec, validate_responses)
    except ClientDisconnect:
        # The client went away mid-request (or the server's body deadline ended it): an
        # ordinary event, not an error; nobody is left to read an answer.
        log.debug("client disconnected during %s", spec.operation_id)
        return Response(b"", 400)
    except Exception as exc:  # the last resort: never a text/plain 500, never a dropped connection
        return await last_resort(ctx, spec, exc, on_error, validate_responses)


async def last_resort(
    ctx: RequestContext,
    spec: OperationSpec,
    exc: Exception,
    on_error: ErrorHook | None,
    validate_responses: bool,
) -> Response:
    """The answer to an exception: the hook's response, else the operation's server error.

    One log line (no traceback: a flood of failing requests must not flood the log) with a
    request id that the response carries in `X-Request-ID`.
    """
    request_id = ctx.request_id
    detail = " ".join(str(exc).split())[:200]
    log.error(
        "unhandled %s in %s (request id %s): %s",
        type(exc).__name__,
        spec.operation_id,
        request_id,
        detail,
    )
    extra = {"x-request-id": request_id}
    if on_error is not None:
        try:
            custom = await on_error(ctx, exc)
            if custom is not None:
                response = render(custom, spec, validate_responses)
                response.headers.update(extra)
                return response
        except Exception as hook_exc:
            log.error(
                "on_unhandled_error failed in %s (request id %s): %s",
                spec.operation_id,
                request_id,
                type(hook_exc).__name__,
            )
    return spec.server_error.render(f"internal error (request id {request_id})", None, extra)


def render(result: object, spec: OperationSpec, validate_responses: bool) -> Response:
    if not isinstance(result, spec.responses):
        raise ContractViolation(
            f"{spec.python_name} returned {type(result).__name__}; documented: "
            + ", ".join(c.__name__ for c in spec.responses)
        )
    response = result.to_response()
    if validate_responses:
        problems = validation.response_errors(
            spec.responses_key or spec.operation_id,
            response.status_code,
            response.headers.get("content-type"),
            bytes(response.body),
        )
        if problems:
            raise ContractViolation(f"{spec.python_name}: " + "; ".join(problems))
    return response


async def read_inputs(
    request: Request,
    spec: OperationSpec,
    path_params: Mapping[str, str],
    limits: Limits = Limits(),
) -> dict[str, Any] | RequestProblem:
    values: dict[str, Any] = {}
    for param in spec.params:
        present, raw = _raw_param(request, param, path_params, limits)
        if isinstance(raw, RequestProblem):
            return raw
        if not present:
            if param.required:
                return RequestProblem(
                    f"missing required {param.location} parameter {param.name!r}",
                    param.location,
                    param.name,
                )
            values[param.python_name] = None
            continue
        errors = validation.errors(param.schema_pointer, raw) if param.schema_pointer else []
        if errors:
            return RequestProblem(
                f"invalid {param.location} parameter {param.name!r}: {errors[0]}",
                param.location,
                param.name,
                tuple(errors),
            )
        try:
            values[param.python_name] = param.adapter.validate_python(raw)
        except ValidationError as exc:
            return RequestProblem(
                f"invalid {param.location} parameter {param.name!r}: {_first(exc)}",
                param.location,
                param.name,
            )
    if spec.has_body:
        body = await _read_body(request, spec, limits)
        if isinstance(body, RequestProblem):
            return body
        values["body"] = body
    return values


def _raw_param(
    request: Request, param: ParamSpec, path_params: Mapping[str, str], limits: Limits
) -> tuple[bool, Any]:
    if param.location == "path":
        text = path_params.get(param.name)
        items = None if text is None else [text]
    elif param.location == "query":
        items = request.query_params.getlist(param.name) or None
    elif param.location == "header":
        found = request.headers.getlist(param.name)
        items = [", ".join(found)] if found else None
    elif param.location == "querystring":
        # OpenAPI 3.2: the whole query string is this one parameter.
        query = request.url.query
        if not query:
            return False, None
        if param.content_json or param.kind != "object":
            items = [unquote(query) if param.content_json else query]
        else:
            found_pairs: dict[str, Any] = {}
            for key, text in parse_qsl(query, keep_blank_values=True):
                kind = param.property_kinds.get(key, "any")
                value = coerce(text, "any" if kind == "array" else kind)
                if kind == "array" or key in found_pairs:
                    previous = found_pairs.get(key, [])
                    found_pairs[key] = [
                        *(previous if isinstance(previous, list) else [previous]),
                        value,
                    ]
                else:
                    found_pairs[key] = value
            return True, found_pairs
    else:
        cookie = request.cookies.get(param.name)
        items = None if cookie is None else [cookie]
    if items is None:
        return False, None
    if param.content_json:
        if too_deep(items[0].encode("utf-8", "surrogatepass"), limits.max_json_depth):
            return True, RequestProblem(
                f"{param.location} parameter {param.name!r} nests deeper than "
                f"{limits.max_json_depth} levels",
                param.location,
                param.name,
            )
        try:
            return True, json.loads(items[0])
        except ValueError:
            return True, items[0]
    if param.kind == "array":
        if (
            param.location == "query"
            and param.explode
            and len(items) >= 1
            and param.style == "form"
        ):
            parts = items
        else:
            separator = _ARRAY_SEPARATORS.get(param.style, ",")
            parts = [p.strip() if separator == "," else p for p in items[0].split(separator)]
            if items[0] == "":
                parts = []
        return True, [coerce(p, param.item_kind) for p in parts]
    return True, coerce(items[0], param.kind)


def coerce(text: str, kind: str) -> Any:
    """A parameter's text as the JSON value its schema type says it is (unchanged if not)."""
    if kind in ("integer", "number") and _NUMBER.fullmatch(text):
        if "." in text or "e" in text or "E" in text:
            return float(text)
        return int(text)
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    if kind in ("object", "array"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _media_matches(declared: str, actual: str) -> bool:
    declared = declared.split(";")[0].strip().lower()
    if declared == "*/*" or declared == actual:
        return True
    if declared.endswith("/*"):
        return actual.startswith(declared[:-1])
    return False


def too_deep(raw: bytes, limit: int) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit` (strings are skipped)."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    for match in _JSON_NESTING.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


async def read_limited(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # what request.body() and request.form() read from now on
    return body


async def _read_body(request: Request, spec: OperationSpec, limits: Limits) -> Any:
    raw = await read_limited(request, limits.max_body_bytes)
    if raw is None:
        return RequestProblem(
            f"the request body exceeds {limits.max_body_bytes} bytes", "body", "body"
        )
    header = request.headers.get("content-type")
    if not raw:
        if spec.body_required:
            return RequestProblem("a request body is required", "body")
        return None
    actual = (header or "").split(";")[0].strip().lower()
    chosen = next((b for b in spec.bodies if _media_matches(b.media_type, actual)), None)
    if chosen is None:
        if not spec.bodies:
            return None
        return RequestProblem(
            f"unsupported content type {header or '(none)'!r}; expected "
            + " or ".join(b.media_type for b in spec.bodies),
            "content-type",
        )
    checked: Any
    if chosen.kind == "json":
        if too_deep(raw, limits.max_json_depth):
            return RequestProblem(
                f"the request body nests deeper than {limits.max_json_depth} levels",
                "body",
                "body",
            )
        try:
            value = json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            return RequestProblem(f"the request body is not valid JSON: {exc}", "body")
        checked = value
    elif chosen.kind == "text":
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            return RequestProblem("the request body is not UTF-8 text", "body")
        checked = value
    elif chosen.kind in ("form", "multipart"):
        value, checked = await _read_form(request, chosen)
    else:
        return raw
    if chosen.schema_pointer:
        errors = validation.errors(chosen.schema_pointer, checked)
        if errors:
            return RequestProblem(
                f"invalid request body: {errors[0]}", "body", "body", tuple(errors)
            )
    try:
        return chosen.adapter.validate_python(value)
    except ValidationError as exc:
        return RequestProblem(f"invalid request body: {_first(exc)}", "body", "body")


async def _read_form(request: Request, body: BodySpec) -> tuple[dict[str, Any], dict[str, Any]]:
    form = await request.form()
    value: dict[str, Any] = {}
    checked: dict[str, Any] = {}
    for key in dict.fromkeys(form.keys()):
        kind = body.property_kinds.get(key, "any")
        items = form.getlist(key)
        converted: list[Any] = []
        shown: list[Any] = []
        for item in items:
            if isinstance(item, UploadFile):
                data = await item.read()
                converted.append(data)
                shown.append(data.decode("latin-1"))
            else:
                coerced = coerce(item, "any" if kind == "array" else kind)
                converted.append(coerced)
                shown.append(coerced)
        if kind == "array":
            value[key], checked[key] = converted, shown
        else:
            value[key], checked[key] = converted[0], shown[0]
    return value, checked


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _first(exc: ValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return str(exc)
    where = ".".join(str(p) for p in errors[0]["loc"])
    return f"{where}: {errors[0]['msg']}" if where else str(errors[0]["msg"])


def _fill(template: Any, message: str, param: str | None) -> Any:
    if template == MESSAGE:
        return message
    if template == PARAM:
        return param
    if isinstance(template, dict):
        return {k: _fill(v, message, param) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, message, param) for v in template]
    return template


def _header_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def new_app(title: str, version: str, options: dict[str, Any]) -> FastAPI:
    """A FastAPI app without its own OpenAPI routes (the document is the contract).

    No trailing-slash redirect (Starlette builds its `Location` from the request's `Host`
    header, so a forged Host would be echoed back as a redirect target): `/x/` is a 404 like any
    path the document does not have. A path with an encoded slash or backslash is a 404 too
    (`EncodedSeparatorGuard`).
    """
    options.setdefault("title", title)
    options.setdefault("version", version)
    options.setdefault("openapi_url", None)
    options.setdefault("docs_url", None)
    options.setdefault("redoc_url", None)
    options.setdefault("redirect_slashes", False)
    app = FastAPI(**options)
    app.add_middleware(EncodedSeparatorGuard)
    return app


_ENCODED_SEPARATOR = re.compile(rb"%(2f|5c)", re.IGNORECASE)
_NOT_FOUND = b'{"detail":"Not Found"}'


class EncodedSeparatorGuard:
    """ASGI middleware: a path holding `%2F` or `%5C` is answered 404 (as a path that does not
    exist) before routing.

    Starlette routes on the decoded path, where `/ops%2Fquota` has become `/ops/quota`: a rule
    a proxy applies to the prefix `/ops/` would be bypassed, and an encoded slash inside a path
    parameter would split it in two. Refusing them keeps one meaning per path for the proxy and
    the server alike.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = scope.get("raw_path") if scope["type"] == "http" else None
        if raw and _ENCODED_SEPARATOR.search(raw.split(b"?", 1)[0]):
            response = Response(_NOT_FOUND, 404, media_type="application/json")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class RouteEndpoint:
    """The ASGI app of one path (or one webhook): dispatches on the method.

    It is the endpoint itself (not a function), so Starlette routes every method to it and a
    method the route does not document gets 405 with an `Allow` header listing every documented
    one (Starlette's own 405 lists only one route's methods).
    """

    def __init__(
        self,
        handlers: Any,  # the package's Handlers or WebhookHandlers
        specs: Mapping[str, OperationSpec],
        names: dict[str, str],
        allow: tuple[str, ...],
        methods: dict[str, str],
        not_allowed: StubError,
        validate_responses: bool,
        limits: Limits,
    ) -> None:
        self.handlers = handlers
        self.specs = specs
        self.names = names
        self.allow_header = ", ".join(allow)
        self.methods = methods
        self.not_allowed = not_allowed
        self.validate_responses = validate_responses
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        operation = self.methods.get(request.method.upper())
        if operation is None:
            return self.not_allowed.render(
                f"method {request.method} is not allowed; allowed: {self.allow_header}",
                None,
                {"allow": self.allow_header},
            )
        path_params = {
            self.names[k]: str(v) for k, v in request.path_params.items() if k in self.names
        }
        return await dispatch(
            request,
            self.specs[operation],
            getattr(self.handlers, operation),
            self.handlers.on_invalid_request,
            path_params,
            self.validate_responses,
            self.limits,
            self.handlers.on_unhandled_error,
        )
