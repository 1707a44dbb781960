"""The transport core shared by the sync and the async client (part of the SDK runtime).

Everything but the sending itself lives in `BaseTransport`: building the request (parameters by
their OpenAPI style, the body by its media type, credentials by the operation's security), the
retry decision, and reading the response. A response is read in this order:

1. the documented response for its status: exact code, then range (`4XX`), then `default`;
   none: `UnexpectedStatus` with the raw text;
2. the documented media type for its Content-Type (exact, then `+json` for JSON, then a
   wildcard) decides how the body is decoded (JSON, text, form, or opaque bytes) before any
   decoding happens, and the decoded value is validated against the documented type;
3. a body that does not match falls to the operation's `default` response when it has one;
4. a success response is returned; any other raises its exception, whose `.body` is the parsed
   body or `None` when it did not match (a success body that does not match raises
   `InvalidResponseError`). No JSON or validation error ever leaks.

httpx is imported on first use (a request, or the first read of `.timeout`), and a client
creates its own `httpx.Client`/`httpx.AsyncClient` on its first request, so importing the SDK
and constructing a client stay cheap; pydantic is imported where a body is built or read.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qsl, quote, urlencode

from .._version import __version__
from . import _errors, _files, _lenient, _streaming
from ._auth import Credentials, TokenCache, redact_url, redacted
from ._config import DEFAULT_BASE_URL, DISTRIBUTION, ENV_BASE_URL, ENV_LOG, PACKAGE
from ._raw import RawResponse
from ._retry import RETRY_COUNT_HEADER, RetryConfig

if TYPE_CHECKING:
    import httpx
    from pydantic import TypeAdapter

_user_agent: str | None = None


def user_agent() -> str:
    """The `User-Agent` of every request: this package's and httpx's versions."""
    global _user_agent
    if _user_agent is None:
        import httpx

        _user_agent = f"{DISTRIBUTION}/{__version__} python-httpx/{httpx.__version__}"
    return _user_agent


_IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete", "trace"})
_TEXT_TYPES = frozenset(
    [
        "application/csv",
        "application/graphql",
        "application/javascript",
        "application/sdp",
        "application/x-ndjson",
        "application/x-yaml",
        "application/xml",
        "application/yaml",
    ]
)


def media_kind(content_type: str) -> str:
    """How a body of this content type is read: json, text, form, multipart, any or binary."""
    base = content_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json") or base.endswith("/json"):
        return "json"
    if base.startswith("text/") or base in _TEXT_TYPES or base.endswith("+xml"):
        return "text"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    if base in ("*/*", "application/*", "") or base.endswith("/*"):
        return "any"
    return "binary"


# -- what the generated resources describe --------------------------------------------------------


@dataclass(frozen=True)
class ParamSpec:
    name: str
    python_name: str
    location: str  # path, query, header, cookie
    style: str
    explode: bool


class MediaSpec:
    """A documented media type of a response and the Python type its body parses to."""

    def __init__(
        self, name: str, kind: str, type_: Any, stream: _streaming.StreamSpec | None = None
    ) -> None:
        self.name = name
        self.base = name.split(";", 1)[0].strip().lower()
        self.kind = kind
        self.type = type_
        self.stream = stream  # a stream of events: a call returns a `Stream` over them
        self._adapter: TypeAdapter[Any] | None = None

    def validate(self, value: Any) -> Any:
        if self.type is Any:
            return value
        if self._adapter is None:
            from pydantic import TypeAdapter

            self._adapter = TypeAdapter(self.type)
        return self._adapter.validate_python(value)


@dataclass(frozen=True)
class ResponseSpec:
    status: str  # "200", "4XX", "default"
    media: tuple[MediaSpec, ...]
    returns: bool  # a 2xx status is returned (not raised)
    error: type[_errors.ApiError[Any]] | None  # raised for any other status


@dataclass(frozen=True)
class BodySpec:
    name: str  # media type
    kind: str
    parts: tuple[tuple[str, str | None], ...] = ()  # multipart: part -> encoding contentType
    files: tuple[str, ...] = ()  # multipart: the binary parts (each takes `_files.FileTypes`)


@dataclass(frozen=True)
class OperationSpec:
    method: str
    path: str
    name: str = ""  # the operation, as error messages and logs name it
    params: tuple[ParamSpec, ...] = ()
    client_headers: tuple[str, ...] = ()
    bodies: tuple[BodySpec, ...] = ()
    responses: tuple[ResponseSpec, ...] = ()
    retry: str = "rate_limit"  # "all", "rate_limit" (a 429 alone) or "never"
    security: tuple[tuple[str, ...], ...] = ()
    accept: str | None = None
    streams: bool = False  # a success response is a stream: the body is read as it arrives
    idempotency_header: str | None = None  # the document's `Idempotency-Key` header parameter
    _by_status: dict[str, ResponseSpec] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for r in self.responses:
            self._by_status[r.status] = r

    def find(self, status: int) -> ResponseSpec | None:
        return (
            self._by_status.get(str(status))
            or self._by_status.get(f"{status // 100}XX")
            or self._by_status.get("default")
        )

    @property
    def default(self) -> ResponseSpec | None:
        return self._by_status.get("default")


# -- reading a response --------------------------------------------------------------------------


def _match(media: tuple[MediaSpec, ...], content_type: str | None) -> MediaSpec | None:
    base = (content_type or "").split(";", 1)[0].strip().lower()
    for m in media:
        if m.base == base:
            return m
    if base and media_kind(base) == "json":
        for m in media:
            if m.kind == "json":
                return m
    for m in media:
        if m.base == "*/*" or (m.base.endswith("/*") and base.startswith(m.base[:-1])):
            return m
    return None


def _decode(kind: str, response: httpx.Response) -> Any:
    if kind == "json":
        return json.loads(response.content)
    if kind == "text":
        return response.text
    if kind == "form":
        return dict(parse_qsl(response.text, keep_blank_values=True))
    return response.content


def _read(spec: ResponseSpec, response: httpx.Response) -> tuple[bool, Any, str | None]:
    """(matched, parsed body, why not) for the body of `response` read as `spec` documents it."""
    if not spec.media:
        return True, None, None
    content_type = response.headers.get("content-type")
    media = _match(spec.media, content_type)
    if media is None:
        documented = ", ".join(m.name for m in spec.media)
        return False, None, f"content type {content_type or '(none)'} is not {documented}"
    from pydantic import ValidationError

    try:
        decoded = _decode(media.kind, response)
    except ValueError as exc:
        return False, None, f"body is not valid {media.name}: {exc}"
    try:
        return True, media.validate(decoded), None
    except ValidationError as exc:
        return False, None, f"body does not match the {media.name} schema: {_field_errors(exc)}"


def _field_errors(exc: Any) -> str:
    """The failing field paths of a pydantic `ValidationError` (`metadata.organizationId: ...`)."""
    errors = exc.errors(include_url=False)
    parts = []
    for error in errors[:5]:
        path = ".".join(str(p) for p in error.get("loc", ())) or "(body)"
        parts.append(f"{path}: {error.get('msg', 'invalid')}")
    more = len(errors) - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _read_lenient(
    spec: ResponseSpec, response: httpx.Response, report: list[dict[str, Any]] | None
) -> Any:
    """The body built without validation (`_lenient`), or `_lenient` itself when it cannot be read."""
    from pydantic import ValidationError

    media = _match(spec.media, response.headers.get("content-type"))
    if media is None:
        return _lenient
    try:
        decoded = _decode(media.kind, response)
    except ValueError:
        return _lenient
    try:
        return media.validate(decoded)
    except ValidationError as exc:
        errors: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
    built = _lenient.build(media.type, decoded)
    _lenient.attach(built, errors)
    if report is not None:
        report.extend(errors)
    return built


def parse_response(
    op: OperationSpec,
    response: httpx.Response,
    lenient: bool = False,
    report: list[dict[str, Any]] | None = None,
) -> Any:
    """The value a call returns for `response`, or the exception it raises.

    `lenient`: a documented success body that does not match its schema is returned built
    without validation, its errors on it and in `report` (`_lenient`), not raised.
    """
    spec = op.find(response.status_code)
    if spec is None:
        raise _errors.unexpected_status(response.status_code)(
            response, _errors._text(response), reason="status not documented", operation=op.name
        )
    matched, value, reason = _read(spec, response)
    success = 200 <= response.status_code < 300
    # A documented success whose body does not match is an invalid response, never the
    # `default` pass-through (an `application/sdp` 200 sent as JSON, say).
    documented_success = spec.returns and spec is not op.default
    if not matched and op.default is not None and spec is not op.default and not documented_success:
        spec = op.default
        matched, value, _ = _read(spec, response)
    if spec.returns and (spec.error is None or success):
        if matched:
            return value
        if lenient:
            built = _read_lenient(spec, response, report)
            if built is not _lenient:
                return built
        raise _errors.InvalidResponseError(
            response, _errors._text(response), reason=reason, operation=op.name
        )
    assert spec.error is not None
    raise spec.error(
        response,
        value if matched else None,
        reason=None if matched else reason,
        operation=op.name,
    )


def with_request_id(value: Any, response: httpx.Response) -> Any:
    """A model result with `._request_id` set (None when the response names none), as the
    OpenAI SDK's results carry it; other results reach it through `with_raw_response`."""
    if hasattr(value, "model_fields_set"):
        import contextlib

        # A model that refuses attributes keeps its data.
        with contextlib.suppress(AttributeError, TypeError, ValueError):
            value._request_id = _errors.request_id(response.headers)
    return value


# -- building a request --------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """Plain JSON data for a model, a mapping, a sequence or a scalar (document names)."""
    import pydantic_core
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return jsonable(value.value)
    return pydantic_core.to_jsonable_python(value)


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _query_pairs(p: ParamSpec, value: Any) -> list[tuple[str, str]]:
    value = jsonable(value)
    if isinstance(value, list):
        if p.style == "form" and p.explode:
            return [(p.name, _scalar(v)) for v in value]
        sep = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(p.style, ",")
        return [(p.name, sep.join(_scalar(v) for v in value))]
    if isinstance(value, dict):
        if p.style == "deepObject":
            return [(f"{p.name}[{k}]", _scalar(v)) for k, v in value.items()]
        if p.explode:
            return [(k, _scalar(v)) for k, v in value.items()]
        return [(p.name, ",".join(f"{k},{_scalar(v)}" for k, v in value.items()))]
    return [(p.name, _scalar(value))]


def _simple(p: ParamSpec, value: Any, escape: Callable[[str], str]) -> str:
    """A path or header value in `simple` style (path: also `label` and `matrix`)."""
    value = jsonable(value)
    if isinstance(value, list):
        items = [escape(_scalar(v)) for v in value]
    elif isinstance(value, dict):
        if p.explode:
            items = [f"{escape(k)}={escape(_scalar(v))}" for k, v in value.items()]
        else:
            items = [x for k, v in value.items() for x in (escape(k), escape(_scalar(v)))]
    else:
        items = [escape(_scalar(value))]
    if p.style == "label":
        return "." + ("." if p.explode else ",").join(items)
    if p.style == "matrix":
        if p.explode and isinstance(value, list):
            return "".join(f";{p.name}={i}" for i in items)
        return f";{p.name}=" + ",".join(items)
    return ",".join(items)


def _path_escape(text: str) -> str:
    return quote(text, safe="")


def _form_pairs(data: Any) -> list[tuple[str, str]]:
    if not isinstance(data, dict):
        raise TypeError("a form body must be an object")
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        if isinstance(value, list):
            pairs += [(key, _scalar(v)) for v in value]
        elif value is not None:
            pairs.append((key, _scalar(value)))
    return pairs


_FileTuple = tuple[str | None, Any, str | None]  # (filename, bytes or a binary file, type)


def _multipart(body: BodySpec, value: Any) -> list[tuple[str, _FileTuple]]:
    """Parts of a multipart/form-data body; a part's `encoding` contentType is its Content-Type."""
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        data = value.model_dump(by_alias=True, exclude_unset=True)
    elif isinstance(value, Mapping):
        data = dict(value)
    else:
        raise TypeError("a multipart body must be a model or a mapping")
    encodings = dict(body.parts)
    parts: list[tuple[str, _FileTuple]] = []
    for name, item in data.items():
        key = str(name)
        binary = key in body.files
        # A list is repeated parts (a binary part's files, or a part without a contentType).
        values = item if isinstance(item, list) and (binary or not encodings.get(key)) else [item]
        for one in values:
            if one is None:
                continue
            if binary or _files.is_stream(one):
                part = _files.file_part(key, one, encodings.get(key))
            else:
                part = _part(key, one, encodings.get(key))
            parts.append((key, part))
    return parts


def _part(name: str, value: Any, content_type: str | None) -> _FileTuple:
    if isinstance(value, tuple):  # (filename, content, content type) as httpx takes it
        filename, content, *rest = value
        data = content if isinstance(content, bytes) else str(content).encode("utf-8")
        return (filename, data, rest[0] if rest else content_type)
    if isinstance(value, bytes | bytearray):
        return (name, bytes(value), content_type or "application/octet-stream")
    if isinstance(value, str):
        return (None, value.encode("utf-8"), content_type)
    if content_type is None or media_kind(content_type) == "json":
        text = json.dumps(jsonable(value), separators=(",", ":"), ensure_ascii=False)
        return (None, text.encode("utf-8"), content_type or "application/json")
    return (None, _scalar(jsonable(value)).encode("utf-8"), content_type)


def _is_async(http: Any) -> bool:
    import httpx

    return isinstance(http, httpx.AsyncClient)


def _content_type_header(media: str) -> str:
    return "application/octet-stream" if "*" in media else media


def _log_enabled() -> bool:
    """`<PKG>_LOG=debug` (`_config.ENV_LOG`) logs every request and response (credentials redacted).

    `logging` is imported only then: importing the client and constructing one stay cheap.
    """
    if os.environ.get(ENV_LOG, "").strip().lower() != "debug":
        return False
    import logging

    logger = logging.getLogger(PACKAGE)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return True


class NotGiven:
    """The default of a keyword argument that was not passed (None may be a value to send)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


def fields_body(
    body: Any,
    fields: Mapping[str, Any],
    *,
    required: tuple[str, ...] = (),
    body_required: bool = False,
    operation: str = "",
) -> Any:
    """The request body: `body=` with the keyword fields that were given laid over it.

    Without `body=`, a required field left out raises before anything is sent (mypy reports it
    too): always in the keyword form (`body_required`), else when some fields were given.
    """
    given = {k: v for k, v in fields.items() if v is not NOT_GIVEN}
    if body is None and required and (body_required or given):
        missing = [k for k in required if k not in given]
        if missing:
            raise _errors.RequestBuildError(
                f"{operation}: missing required body field(s) {', '.join(missing)} "
                "(pass them as keywords, or the whole body as body=)"
            )
    if not given:
        return body
    merged = dict(jsonable(body)) if body is not None else {}
    merged.update(given)
    return merged


def _response_validation(value: object) -> _lenient.ResponseValidation:
    if value == "strict" or value == "lenient":
        return value
    raise _errors.ConfigurationError(
        f"response_validation must be 'strict' or 'lenient', not {value!r}"
    )


class BaseTransport:
    """Configuration and everything about a call that does not depend on sync or async."""

    def __init__(
        self,
        base_url: str | None,
        *,
        token: str | None,
        api_key: str | None,
        basic_auth: tuple[str, str] | None,
        timeout: float | httpx.Timeout,
        headers: Mapping[str, str] | None,
        max_retries: int,
        retry: RetryConfig | None,
        client_headers: Mapping[str, str | None],
        client_id: str | None = None,
        client_secret: str | None = None,
        credentials: Mapping[str, str | tuple[str, str]] | None = None,
        response_validation: _lenient.ResponseValidation = "strict",
    ) -> None:
        base_url = base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL
        if not base_url:
            raise _errors.ConfigurationError(
                f"no base URL: pass base_url= or set the {ENV_BASE_URL} environment variable"
            )
        self.base_url = base_url.rstrip("/")
        self._timeout_arg = timeout
        self._timeout: httpx.Timeout | None = None
        self.max_retries = max(0, max_retries)
        self.retry = retry or RetryConfig()
        self._auth = Credentials(
            token=token,
            api_key=api_key,
            basic_auth=basic_auth,
            client_id=client_id,
            client_secret=client_secret,
            credentials=credentials,
        )
        self._headers = dict(headers or {})
        self._client_headers = {k: v for k, v in client_headers.items() if v is not None}
        self._log = _log_enabled()
        self.response_validation = _response_validation(response_validation)

    def _copy_with(self, changes: Mapping[str, Any]) -> Any:
        """A copy of this client with `changes`; it shares the connection pool (see with_options)."""
        import copy

        new = copy.copy(self)
        # Resources are cached per client; the copy builds its own on first access.
        for key, value in list(vars(new).items()):
            if isinstance(value, SyncResource | AsyncResource):
                del new.__dict__[key]
        new._adopt_pool(self)
        if "base_url" in changes and changes["base_url"] is not None:
            new.base_url = str(changes["base_url"]).rstrip("/")
        credential_changes = {
            k: changes[k]
            for k in ("token", "api_key", "basic_auth", "client_id", "client_secret", "credentials")
            if k in changes
        }
        if credential_changes:
            new._auth = self._auth.changed(credential_changes)
        if changes.get("timeout") is not None:
            new.timeout = changes["timeout"]
        if changes.get("max_retries") is not None:
            new.max_retries = max(0, int(changes["max_retries"]))
        if changes.get("retry") is not None:
            new.retry = changes["retry"]
        if changes.get("response_validation") is not None:
            new.response_validation = _response_validation(changes["response_validation"])
        if changes.get("headers") is not None:
            new._headers = {**self._headers, **changes["headers"]}
        client_headers = changes.get("client_headers") or {}
        new._client_headers = {
            **self._client_headers,
            **{k: v for k, v in client_headers.items() if v is not None},
        }
        return new

    def _adopt_pool(self, parent: Any) -> None:
        raise NotImplementedError

    @property
    def timeout(self) -> httpx.Timeout:
        """The timeout of every call (an `httpx.Timeout`); a call's `timeout=` wins."""
        if self._timeout is None:
            import httpx

            arg = self._timeout_arg
            self._timeout = arg if isinstance(arg, httpx.Timeout) else httpx.Timeout(arg)
        return self._timeout

    @timeout.setter
    def timeout(self, value: float | httpx.Timeout) -> None:
        self._timeout_arg = value
        self._timeout = None

    # -- credentials ----------------------------------------------------------------------------

    def _token_request(self, http: Any, cache: TokenCache) -> httpx.Request:
        url, headers, form = cache.request(self.base_url)
        return http.build_request(  # type: ignore[no-any-return]
            "POST", url, headers={"User-Agent": user_agent(), **headers}, content=urlencode(form)
        )

    def _token_failure(self, exc: Exception, request: httpx.Request) -> _errors.TokenRequestError:
        return _errors.TokenRequestError(
            f"{request.method} {redact_url(request.url)}: {type(exc).__name__}: {exc}"
        )

    # -- the request ----------------------------------------------------------------------------

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        op: OperationSpec,
        params: Mapping[str, Any],
        body: Any,
        content_type: str | None,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> httpx.Request:
        try:
            return self._build(
                http,
                op,
                params,
                body,
                content_type,
                extra_headers,
                timeout,
                extra_query,
                extra_body,
            )
        except (TypeError, ValueError) as exc:
            raise _errors.RequestBuildError(f"{op.name}: cannot build the request: {exc}") from exc

    def _build(
        self,
        http: httpx.Client | httpx.AsyncClient,
        op: OperationSpec,
        params: Mapping[str, Any],
        body: Any,
        content_type: str | None,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
        extra_query: Mapping[str, Any] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> httpx.Request:
        path = op.path
        query: list[tuple[str, str]] = []
        headers: dict[str, str] = {"User-Agent": user_agent()}
        if op.accept:
            headers["Accept"] = op.accept
        headers.update(self._headers)
        headers.update({k: v for k, v in self._client_headers.items() if k in op.client_headers})
        cookies: list[str] = []
        for p in op.params:
            value = params.get(p.python_name)
            if value is None:
                continue
            if p.location == "path":
                path = path.replace("{" + p.name + "}", _simple(p, value, _path_escape))
            elif p.location == "query":
                query += _query_pairs(p, value)
            elif p.location == "header":
                headers[p.name] = _simple(p, value, str)
            elif p.location == "cookie":
                cookies.append(f"{p.name}={quote(_simple(p, value, str), safe='')}")
            elif p.location == "querystring":
                # OpenAPI 3.2: the value is the whole query string, an object sent as a form.
                value = jsonable(value)
                query += (
                    _form_pairs(value)
                    if isinstance(value, dict)
                    else parse_qsl(str(value), keep_blank_values=True)
                )
        self._auth.apply(self._auth.choose(op.security), headers, query, cookies)
        if extra_query:
            for name, value in extra_query.items():
                query += _query_pairs(ParamSpec(str(name), str(name), "query", "form", True), value)
        if extra_body:
            if body is None:
                body = {}
            elif not isinstance(jsonable(body), dict):
                raise TypeError("extra_body needs an object body")
            body = {**jsonable(body), **jsonable(extra_body)}
        content: Any = None
        files: list[tuple[str, _FileTuple]] | None = None
        if body is not None and op.bodies:
            chosen = next((b for b in op.bodies if b.name == content_type), op.bodies[0])
            if chosen.kind == "multipart":
                files = _multipart(chosen, body)
            else:
                headers["Content-Type"] = _content_type_header(chosen.name)
                if chosen.kind == "json":
                    text = json.dumps(jsonable(body), separators=(",", ":"), ensure_ascii=False)
                    content = text.encode("utf-8")
                elif chosen.kind == "form":
                    content = urlencode(_form_pairs(jsonable(body))).encode("ascii")
                elif isinstance(body, str) and chosen.kind != "binary":
                    content = body.encode("utf-8")
                else:  # bytes, a path or an open binary file: streamed, never read whole
                    content, length = _files.body_content(body, _is_async(http))
                    if length is not None:
                        headers["Content-Length"] = str(length)
        if cookies:
            headers["Cookie"] = "; ".join(cookies)
        headers.update(extra_headers or {})
        chosen_timeout = self.timeout if timeout is None else timeout
        return http.build_request(
            op.method.upper(),
            self.base_url + path,
            params=tuple(query) if query else None,
            headers=headers,
            content=content,
            files=files,
            timeout=chosen_timeout,
        )

    # -- retries (see _retry.py) ----------------------------------------------------------------

    def _call_headers(
        self, op: OperationSpec, params: Mapping[str, Any], extra_headers: Mapping[str, str] | None
    ) -> tuple[Mapping[str, str] | None, bool]:
        """The call's extra headers with its idempotency key, made once for every attempt, and
        whether the call carries one (it may then be repeated like an idempotent call)."""
        name = op.idempotency_header
        if name is None and op.method.lower() not in _IDEMPOTENT_METHODS:
            name = self.retry.idempotency_header
        if name is None:
            return extra_headers, False
        lowered = name.lower()
        if any(k.lower() == lowered for k in extra_headers or {}):
            return extra_headers, True
        declared = next(
            (p for p in op.params if p.location == "header" and p.name.lower() == lowered), None
        )
        if declared is not None and params.get(declared.python_name) is not None:
            return extra_headers, True  # the caller's own key
        import uuid

        return {**(extra_headers or {}), name: str(uuid.uuid4())}, True

    @staticmethod
    def _attempt_headers(
        headers: Mapping[str, str] | None, attempt: int
    ) -> Mapping[str, str] | None:
        return {**(headers or {}), RETRY_COUNT_HEADER: str(attempt)} if attempt else headers

    def _retry_status(
        self,
        op: OperationSpec,
        response: httpx.Response,
        attempt: int,
        max_retries: int,
        keyed: bool = False,
    ) -> float | None:
        """Seconds to wait before repeating the call after `response`, or None: no retry."""
        if attempt >= max_retries or op.retry == "never":
            return None
        should = response.headers.get("x-should-retry", "").strip().lower()
        if should == "false":
            return None
        if should != "true":
            if response.status_code not in self.retry.statuses:
                return None
            # A 429 was not processed: repeating it is safe whatever the method.
            if not (op.retry == "all" or keyed or response.status_code == 429):
                return None
        wait = self.retry.delay(attempt, response)
        if wait is not None:  # at INFO, for an application that shows its logs
            self._log_retry(op, attempt, max_retries, wait, str(response.status_code))
        return wait

    def _retry_error(
        self, op: OperationSpec, attempt: int, max_retries: int, keyed: bool = False
    ) -> float | None:
        if attempt >= max_retries or not (op.retry == "all" or (keyed and op.retry != "never")):
            return None
        wait = self.retry.delay(attempt, None)
        if wait is not None:  # at INFO, for an application that shows its logs
            self._log_retry(op, attempt, max_retries, wait, "connection error")
        return wait

    def _log_retry(
        self, op: OperationSpec, attempt: int, max_retries: int, wait: float, why: str
    ) -> None:
        import logging

        logging.getLogger(PACKAGE).info(
            "%s: %s; retry %d of %d in %.2f s", op.name, why, attempt + 1, max_retries, wait
        )

    def _log_request(self, op: OperationSpec, request: httpx.Request, attempt: int) -> None:
        import logging

        logging.getLogger(PACKAGE).debug(
            "%s: %s %s attempt=%d headers=%s",
            op.name,
            request.method,
            redact_url(request.url),
            attempt + 1,
            redacted(request.headers),
        )

    def _log_response(self, op: OperationSpec, response: httpx.Response) -> None:
        import logging

        logging.getLogger(PACKAGE).debug(
            "%s: %s %s -> %d %s",
            op.name,
            response.request.method,
            redact_url(response.request.url),
            response.status_code,
            response.headers.get("content-type", ""),
        )

    @staticmethod
    def _failure(exc: httpx.TransportError, request: httpx.Request) -> _errors.APIConnectionError:
        import httpx

        if isinstance(exc, httpx.TimeoutException):
            return _errors.APITimeoutError(request)
        return _errors.APIConnectionError(request, f"{type(exc).__name__}: {exc}")


_CLOSED = "Cannot send a request, as the client has been closed."


class _Pool:
    """The httpx client a client sends with, shared by its `with_options()` copies."""

    def __init__(self, http: Any, owned: bool) -> None:
        self.http = http
        self.owned = owned
        self.closed = False
        self.lock = threading.Lock()


class SyncTransport(BaseTransport):
    """Sends with an `httpx.Client`; the base of the generated `Client`.

    Without an `http_client`, its own `httpx.Client` is created on the first request (once, under
    a lock, when threads share the client) and closed by `close()`. Copies made by
    `with_options()` share it.
    """

    def __init__(
        self, base_url: str | None, *, http_client: httpx.Client | None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, **kwargs)
        self._pool = _Pool(http_client, http_client is None)

    def _adopt_pool(self, parent: Any) -> None:
        self._pool = parent._pool

    @property
    def _http(self) -> httpx.Client:
        pool = self._pool
        http = pool.http
        if http is None or pool.closed:
            with pool.lock:
                if pool.closed:
                    raise _errors.ClientClosedError(_CLOSED)
                http = pool.http
                if http is None:
                    import httpx

                    http = pool.http = httpx.Client(timeout=self.timeout)
        return http  # type: ignore[no-any-return]

    def _fresh_tokens(
        self, http: httpx.Client, tokens: list[TokenCache], force: bool = False
    ) -> None:
        import httpx

        for cache in tokens:
            with cache.lock:
                now = self.retry.clock()
                if cache.fresh(now) and not force:
                    continue
                request = self._token_request(http, cache)
                try:
                    response = http.send(request)
                except httpx.TransportError as exc:
                    raise self._token_failure(exc, request) from exc
                try:
                    response.read()
                    cache.accept(response, now)
                finally:
                    response.close()

    def _send(
        self,
        op: OperationSpec,
        params: Mapping[str, Any],
        body: Any,
        content_type: str | None,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        import httpx

        http = self._http
        retries = self.max_retries if max_retries is None else max(0, max_retries)
        # One idempotency key per logical call: every retry repeats the first attempt's.
        call_headers, keyed = self._call_headers(op, params, extra_headers)
        # OAuth2 client credentials: a token fetched before the first attempt, again on a 401.
        tokens = self._auth.fetching(self._auth.choose(op.security))
        if tokens:
            self._fresh_tokens(http, tokens)
        refreshed = False
        attempt = 0
        while True:
            request = self._build_request(
                http,
                op,
                params,
                body,
                content_type,
                self._attempt_headers(call_headers, attempt),
                timeout,
                extra_query,
                extra_body,
            )
            if self._log:
                self._log_request(op, request, attempt)
            try:
                response = http.send(request, stream=stream)
            except httpx.TransportError as exc:
                wait = self._retry_error(op, attempt, retries, keyed)
                if wait is not None:
                    self.retry.sleep(wait)
                    attempt += 1
                    continue
                raise self._failure(exc, request) from exc
            except RuntimeError as exc:  # httpx: "the client has been closed"
                if self._pool.closed or http.is_closed:
                    raise _errors.ClientClosedError(_CLOSED) from exc
                raise
            if self._log:
                self._log_response(op, response)
            if response.status_code == 401 and tokens and not refreshed:
                refreshed = True  # the token may have been revoked: one new token, one retry
                response.close()
                self._fresh_tokens(http, tokens, force=True)
                continue
            wait = self._retry_status(op, response, attempt, retries, keyed)
            if wait is not None:
                response.close()
                self.retry.sleep(wait)
                attempt += 1
                continue
            return response

    def request(
        self,
        op: OperationSpec,
        params: Mapping[str, Any],
        *,
        body: Any = None,
        content_type: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Any:
        response = self._send(
            op,
            params,
            body,
            content_type,
            extra_headers,
            timeout,
            max_retries,
            extra_query,
            extra_body,
            stream=op.streams,
        )
        lenient = self.response_validation == "lenient"
        if op.streams:
            return _streaming.parse_stream(op, response, lenient)
        return with_request_id(parse_response(op, response, lenient), response)

    def request_raw(
        self,
        op: OperationSpec,
        params: Mapping[str, Any],
        *,
        body: Any = None,
        content_type: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Any]:
        response = self._send(
            op,
            params,
            body,
            content_type,
            extra_headers,
            timeout,
            max_retries,
            extra_query,
            extra_body,
        )
        lenient = self.response_validation == "lenient"
        report: list[dict[str, Any]] = []
        return RawResponse(response, lambda r: parse_response(op, r, lenient, report), report)

    def close(self) -> None:
        """Close the connection pool (not an `http_client` that was passed in)."""
        pool = self._pool
        if pool.owned:
            with pool.lock:
                pool.closed = True
                http = pool.http
            if http is not None:
                http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncTransport(BaseTransport):
    """Sends with an `httpx.AsyncClient`; the base of the generated `AsyncClient`.

    Without an `http_client`, its own `httpx.AsyncClient` is created on the first request and
    closed by `aclose()`. Copies made by `with_options()` share it.
    """

    def __init__(
        self, base_url: str | None, *, http_client: httpx.AsyncClient | None, **kwargs: Any
    ) -> None:
        super().__init__(base_url, **kwargs)
        self._pool = _Pool(http_client, http_client is None)

    def _adopt_pool(self, parent: Any) -> None:
        self._pool = parent._pool

    @property
    def _http(self) -> httpx.AsyncClient:
        pool = self._pool
        if pool.closed:
            raise _errors.ClientClosedError(_CLOSED)
        http = pool.http
        if http is None:
            import httpx

            http = pool.http = httpx.AsyncClient(timeout=self.timeout)
        return http  # type: ignore[no-any-return]

    async def _fresh_tokens(
        self, http: httpx.AsyncClient, tokens: list[TokenCache], force: bool = False
    ) -> None:
        import httpx

        for cache in tokens:
            now = self.retry.clock()
            if cache.fresh(now) and not force:
                continue
            request = self._token_request(http, cache)
            try:
                response = await http.send(request)
            except httpx.TransportError as exc:
                raise self._token_failure(exc, request) from exc
            try:
                await response.aread()
                cache.accept(response, now)
            finally:
                await response.aclose()

    async def _send(
        self,
        op: OperationSpec,
        params: Mapping[str, Any],
        body: Any,
        content_type: str | None,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
        max_retries: int | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        import httpx

        http = self._http
        retries = self.max_retries if max_retries is None else max(0, max_retries)
        # One idempotency key per logical call: every retry repeats the first attempt's.
        call_headers, keyed = self._call_headers(op, params, extra_headers)
        # OAuth2 client credentials: a token fetched before the first attempt, again on a 401.
        tokens = self._auth.fetching(self._auth.choose(op.security))
        if tokens:
            await self._fresh_tokens(http, tokens)
        refreshed = False
        attempt = 0
        while True:
            request = self._build_request(
                http,
                op,
                params,
                body,
                content_type,
                self._attempt_headers(call_headers, attempt),
                timeout,
                extra_query,
                extra_body,
            )
            if self._log:
                self._log_request(op, request, attempt)
            try:
                response = await http.send(request, stream=stream)
            except httpx.TransportError as exc:
                wait = self._retry_error(op, attempt, retries, keyed)
                if wait is not None:
                    await self.retry.async_sleep(wait)
                    attempt += 1
                    continue
                raise self._failure(exc, request) from exc
            except RuntimeError as exc:  # httpx: "the client has been closed"
                if self._pool.closed or http.is_closed:
                    raise _errors.ClientClosedError(_CLOSED) from exc
                raise
            if self._log:
                self._log_response(op, response)
            if response.status_code == 401 and tokens and not refreshed:
                refreshed = True  # the token may have been revoked: one new token, one retry
                await response.aclose()
                await self._fresh_tokens(http, tokens, force=True)
                continue
            wait = self._retry_status(op, response, attempt, retries, keyed)
            if wait is not None:
                await response.aclose()
                await self.retry.async_sleep(wait)
                attempt += 1
                continue
            return response

    async def request(
        self,
        op: OperationSpec,
        params: Mapping[str, Any],
        *,
        body: Any = None,
        content_type: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Any:
        response = await self._send(
            op,
            params,
            body,
            content_type,
            extra_headers,
            timeout,
            max_retries,
            extra_query,
            extra_body,
            stream=op.streams,
        )
        lenient = self.response_validation == "lenient"
        if op.streams:
            return await _streaming.aparse_stream(op, response, lenient)
        return with_request_id(parse_response(op, response, lenient), response)

    async def request_raw(
        self,
        op: OperationSpec,
        params: Mapping[str, Any],
        *,
        body: Any = None,
        content_type: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> RawResponse[Any]:
        response = await self._send(
            op,
            params,
            body,
            content_type,
            extra_headers,
            timeout,
            max_retries,
            extra_query,
            extra_body,
        )
        lenient = self.response_validation == "lenient"
        report: list[dict[str, Any]] = []
        return RawResponse(response, lambda r: parse_response(op, r, lenient, report), report)

    async def aclose(self) -> None:
        """Close the connection pool (not an `http_client` that was passed in)."""
        pool = self._pool
        if pool.owned:
            pool.closed = True
            if pool.http is not None:
                await pool.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class SyncResource:
    def __init__(self, client: SyncTransport) -> None:
        self._client = client


class AsyncResource:
    def __init__(self, client: AsyncTransport) -> None:
        self._client = client
