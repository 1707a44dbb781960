"""What every response and every client address goes through: security headers, the client IP
behind trusted proxies only, and strict parsing of the header values the backend interprets."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence

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
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_address(text: str) -> Address | None:
    """One address as proxies write it, normalised: one spelling per address (case, zeros,
    `::`), an IPv4-mapped IPv6 address as IPv4, no zone (`fe80::1%eth0` is `fe80::1`: a zone
    means nothing off its host), no port (`[2001:db8::1]:443`, `192.0.2.1:80`). None for
    anything else."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or (text[end + 1 :] and not text[end + 1 :].startswith(":")):
            return None
        text = text[1:end]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    text = text.partition("%")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class ClientAddress:
    """The client's address as the per-address limits count it: the TCP peer, unless the peer is
    a trusted proxy; then the right-most `X-Forwarded-For` entry that is not itself a trusted
    proxy, reading every `X-Forwarded-For` line in order (a proxy that appends a line of its own
    instead of extending the client's must not leave the client's line deciding). No trusted
    proxies (the default): X-Forwarded-For is ignored, so a client cannot choose the address its
    limits count against. A garbled entry reached before an untrusted one counts the proxy.

    IPv6 addresses count by their `/ipv6_prefix` network (64 by default: one subscriber's
    allocation; every address in it is one client to the limits)."""

    def __init__(self, trusted: Iterable[str], ipv6_prefix: int = 64) -> None:
        self.trusted: tuple[Network, ...] = tuple(
            ipaddress.ip_network(t, strict=False) for t in trusted
        )
        self.ipv6_prefix = ipv6_prefix

    def _is_trusted(self, address: Address) -> bool:
        return any(address in network for network in self.trusted)

    def key(self, address: Address) -> str:
        if isinstance(address, ipaddress.IPv6Address) and self.ipv6_prefix < 128:
            return str(ipaddress.IPv6Network((address, self.ipv6_prefix), strict=False))
        return str(address)

    def of(self, peer: str | None, forwarded_for: str | Sequence[str] | None) -> str:
        parsed = parse_address(peer or "")
        if parsed is None:
            return peer or "unknown"
        if not self.trusted or not forwarded_for or not self._is_trusted(parsed):
            return self.key(parsed)
        lines = [forwarded_for] if isinstance(forwarded_for, str) else list(forwarded_for)
        entries = ",".join(lines).split(",")
        for entry in reversed(entries):
            if not entry.strip():
                continue  # an empty list element (RFC 9110 5.6.1): ignored
            address = parse_address(entry)
            if address is None:
                return self.key(parsed)  # a garbled chain: count the proxy, never a made-up address
            if not self._is_trusted(address):
                return self.key(address)
        return self.key(parsed)


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
