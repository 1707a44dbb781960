"""CORS for browsers on other origins (a web team's dev server on `localhost:5173`, say).

Off by default: `cors_allowed_origins` (settings) is empty, and then this layer changes nothing.
With origins listed:

- A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from a listed origin
  is answered 204 per the contract: the methods the contract documents at that path, and the
  request headers its operations take (their header parameters such as `X-CSRF-Token` and
  `X-Client-Version`, `Authorization` where the operation is secured, `Content-Type` where it
  has a body). A preflight from another origin, for a path the contract does not have, or asking
  for a method or header the contract does not document, gets a JSON 403 with no CORS headers,
  so the browser blocks the request and never sends it.
- Every other response to a listed origin carries `Access-Control-Allow-Origin: <origin>` and
  exposes `Retry-After` (a 429's wait, which a cross-origin script cannot read otherwise) and
  `X-Request-ID` (the id an unhandled error's log line names, for a support request).
  Responses to other origins carry no CORS headers: the browser hides them from the page.
- Credentials are deliberately not allowed (no `Access-Control-Allow-Credentials`): the API
  authenticates with a bearer token the page sends itself, never a cookie, so no other origin
  can ride on a user's ambient credentials. A page that asks for `credentials: "include"` is
  blocked by the browser.
- `Vary: Origin` on every response while CORS is on, so a cache never hands one origin's answer
  to another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# what a cross-origin script may read besides the safelisted headers: a 429's wait, and the id
# an unhandled error's answer carries (the one its log line names)
EXPOSED = "Retry-After, X-Request-ID"
MAX_AGE_SECONDS = 600
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(value: str) -> str:
    """An origin as browsers serialize it (`scheme://host[:port]`, lower case, no default
    port); ValueError for anything else (a path, a wildcard, `null`, credentials)."""
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"CORS origin {value!r} must be http(s)://host[:port]")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(f"CORS origin {value!r} must be an origin only (no path or credentials)")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"CORS origin {value!r} has an invalid port") from None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = _DEFAULT_PORTS[parts.scheme]
    return f"{parts.scheme}://{host}" + ("" if port in (None, default) else f":{port}")


def normalize_origins(values: Iterable[str]) -> list[str]:
    return sorted({normalize_origin(v) for v in values})


@dataclass(frozen=True)
class PathRule:
    pattern: re.Pattern[str]
    methods: tuple[str, ...]  # upper case, as documented
    headers: dict[str, str]  # lower-case name -> the contract's spelling


def _resolve(doc: Mapping[str, Any], node: Any) -> Any:
    """Follow a local `$ref` (parameters may be components)."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
        target: Any = doc
        for token in node["$ref"].lstrip("#/").split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            target = target.get(token) if isinstance(target, dict) else None
        node, seen = target, seen + 1
    return node


def _template(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", path)
    return re.compile(
        "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts)
    )


def _security_headers(doc: Mapping[str, Any], requirements: Any) -> set[str]:
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    names: set[str] = set()
    for requirement in requirements if isinstance(requirements, list) else []:
        for scheme_name in requirement if isinstance(requirement, dict) else {}:
            scheme = _resolve(doc, schemes.get(scheme_name)) or {}
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                names.add(str(scheme.get("name")))
            elif scheme.get("type") in ("http", "oauth2", "openIdConnect"):
                names.add("Authorization")
    return names


def rules_from_contract(doc: Mapping[str, Any]) -> list[PathRule]:
    """Per path: its documented methods and every request header its operations take."""
    rules = []
    for path, raw_item in sorted((doc.get("paths") or {}).items()):
        item = _resolve(doc, raw_item) or {}
        shared = item.get("parameters") or []
        methods: list[str] = []
        headers: set[str] = set()
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            methods.append(method.upper())
            for parameter in [*shared, *(operation.get("parameters") or [])]:
                parameter = _resolve(doc, parameter) or {}
                if parameter.get("in") == "header" and isinstance(parameter.get("name"), str):
                    headers.add(parameter["name"])
            headers |= _security_headers(doc, operation.get("security", doc.get("security")))
            if operation.get("requestBody") is not None:
                headers.add("Content-Type")
        rules.append(
            PathRule(_template(path), tuple(methods), {h.lower(): h for h in sorted(headers)})
        )
    return rules


class Cors:
    """ASGI middleware applying the policy above; `origins` already normalized."""

    def __init__(self, app: ASGIApp, origins: Iterable[str], rules: list[PathRule]) -> None:
        self.app = app
        self.origins = frozenset(origins)
        self.rules = rules

    def _rule(self, path: str) -> PathRule | None:
        return next((r for r in self.rules if r.pattern.fullmatch(path)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.origins:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if scope["method"] == "OPTIONS" and origin and "access-control-request-method" in headers:
            await self._preflight(scope, receive, send, origin, headers)
            return
        allowed = origin in self.origins

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"vary", b"Origin")]
                if allowed and origin:
                    extra += [
                        (b"access-control-allow-origin", origin.encode("latin-1")),
                        (b"access-control-expose-headers", EXPOSED.encode()),
                    ]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(
        self, scope: Scope, receive: Receive, send: Send, origin: str, headers: Headers
    ) -> None:
        vary = {"vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}
        method = headers["access-control-request-method"].strip().upper()
        asked = [
            h.strip().lower()
            for h in headers.get("access-control-request-headers", "").split(",")
            if h.strip()
        ]
        rule = self._rule(scope["path"])
        refusal: str | None = None
        if origin not in self.origins:
            refusal = f"origin {origin} is not allowed"
        elif rule is None:
            refusal = f"{scope['path']} is not an operation of the contract"
        elif method not in rule.methods:
            refusal = f"{method} is not documented at {scope['path']}"
        else:
            unknown = [h for h in asked if h not in rule.headers]
            if unknown:
                refusal = f"request header(s) {', '.join(unknown)} are not documented here"
        if refusal is not None or rule is None:
            response = JSONResponse(
                {"error": f"CORS preflight refused: {refusal}", "code": "CORS_REFUSED"},
                status_code=403,
                headers=vary,
            )
            await response(scope, receive, send)
            return
        allow = {
            **vary,
            "access-control-allow-origin": origin,
            "access-control-allow-methods": ", ".join(rule.methods),
            "access-control-allow-headers": ", ".join(sorted(rule.headers.values())),
            "access-control-max-age": str(MAX_AGE_SECONDS),
        }
        await Response(status_code=204, headers=allow)(scope, receive, send)
