"""What every response and every client address goes through: security headers, the client IP
behind trusted proxies only, and strict parsing of the header values the backend interprets."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Responses that carry a secret (an ephemeral key, a CSRF token, an SDP answer with ICE
# credentials) or operator data must never be stored by a cache.
NO_STORE_PATHS = ("/api/realtime-token", "/api/csrf-token", "/api/realtime/webrtc", "/ops/")

# Semantic Versioning 2.0.0, ASCII digits only (a superscript "²" is not a digit here), no
# leading zeros, and a bounded length (a 4,301-digit major is not a version anyone sends).
_SEMVER = re.compile(
    r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})"
    r"(?:-[0-9A-Za-z.-]{1,64})?(?:\+[0-9A-Za-z.-]{1,64})?"
)


def semver_major(version: str | None) -> int | None:
    """The major version of a semantic version; None for anything else (treated as absent)."""
    if not version or len(version) > 160:
        return None
    match = _SEMVER.fullmatch(version)
    return int(match.group(1)) if match else None


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ClientAddress:
    """The client's IP: the TCP peer, unless the peer is a trusted proxy; then the right-most
    X-Forwarded-For entry that is not itself a trusted proxy. No trusted proxies (the default):
    X-Forwarded-For is ignored, so a client cannot choose the address its limits count against."""

    def __init__(self, trusted: Iterable[str]) -> None:
        self.trusted: tuple[Network, ...] = tuple(
            ipaddress.ip_network(t, strict=False) for t in trusted
        )

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def of(self, peer: str | None, forwarded_for: str | None) -> str:
        peer = peer or "unknown"
        if not self.trusted or not forwarded_for or not self._is_trusted(peer):
            return peer
        for entry in reversed(forwarded_for.split(",")):
            entry = entry.strip()
            try:
                ipaddress.ip_address(entry)
            except ValueError:
                return peer  # a garbled chain: count the proxy, never a made-up address
            if not self._is_trusted(entry):
                return entry
        return peer


class SecurityHeaders:
    """ASGI middleware: `X-Content-Type-Options: nosniff` on every response, `Cache-Control:
    no-store` on the secret-bearing ones."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        no_store = any(
            path == p or (p.endswith("/") and path.startswith(p)) for p in NO_STORE_PATHS
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"x-content-type-options", b"cache-control")
                    or (k.lower() == b"cache-control" and not no_store)
                ]
                headers.append((b"x-content-type-options", b"nosniff"))
                if no_store:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
