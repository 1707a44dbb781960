"""`make serve`: the reference server (and, unless a real upstream is configured, the fake
OpenAI upstream) on loopback, with a demo user whose bearer token is printed.

The reference runs on the generated `serve` helpers (`serviceai_api.server.serve`): the
httptools parser, head and body deadlines, a connection cap under the descriptor limit; the
`server_*` settings tune them (docs/operations.md, "Deployment").
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import sys

import uvicorn
from serviceai_api.server.serve import ServerSettings, install_loop_guard
from serviceai_api.server.serve import server as guarded_server

from reference.app import build_app
from reference.fake_upstream import FakeState, create_fake_app
from reference.settings import Settings, SettingsError, User, load_settings

# Descriptors the reference holds besides client connections: stdio, the log, the listening
# socket, the event loop's own, session timers' hang-ups share the upstream pool.
_OWN_DESCRIPTORS = 32


def server_settings(settings: Settings, port: int, in_process_upstream: bool) -> ServerSettings:
    """The generated server's settings from the reference's: its pools are the reserve (twice
    the upstream pool when the fake upstream runs in this process: both ends are here)."""
    upstream = settings.upstream_max_connections + 1  # the readiness probe's own connection
    return ServerSettings(
        host="127.0.0.1",
        port=port,
        header_timeout=settings.server_header_timeout_seconds,
        body_timeout=settings.server_body_timeout_seconds,
        keep_alive_timeout=settings.server_keep_alive_seconds,
        graceful_shutdown_timeout=settings.server_graceful_shutdown_seconds,
        max_head_bytes=settings.server_max_head_bytes,
        max_connections=settings.server_max_connections,
        reserve_descriptors=upstream * (2 if in_process_upstream else 1)
        + settings.store_max_connections
        + _OWN_DESCRIPTORS,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _main(fake: FakeState | None = None, *, pages: bool = False) -> int:
    """`fake`: the fake upstream's state (`make demo` gives it real WebRTC peers); `pages`:
    print the web client's and the API reference's addresses too."""
    port = int(os.environ.get("SERVICEAI_PORT", "8000"))
    servers: list[uvicorn.Server] = []
    overrides: dict[str, object] = {}
    if not os.environ.get("SERVICEAI_UPSTREAM_BASE_URL"):
        fake_port = _free_port()
        servers.append(
            uvicorn.Server(
                uvicorn.Config(
                    create_fake_app(fake), host="127.0.0.1", port=fake_port, log_level="warning"
                )
            )
        )
        overrides["upstream_base_url"] = f"http://127.0.0.1:{fake_port}/v1"
        os.environ.setdefault("OPENAI_API_KEY", "sk-fake-" + secrets.token_hex(8))
        print(f"fake OpenAI upstream on http://127.0.0.1:{fake_port}/v1 (faults: /__faults)")
    token = "demo-" + secrets.token_urlsafe(16)
    try:
        settings = load_settings(**overrides)
        settings.users.setdefault(
            token,
            User(id="demo", organization_id="org_demo", entitlements=["chatty-voice", "tool:*"]),
        )
        app = build_app(settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    install_loop_guard()
    guarded = server_settings(settings, port, in_process_upstream=len(servers) > 0)
    servers.append(guarded_server(app, guarded))
    print(f"ServiceAi reference server on http://127.0.0.1:{port}")
    print(f"connection limit: {guarded.connection_limit()} (descriptor limit and reserve)")
    print(f"demo user token: {token}")
    print(
        f"  curl -H 'Authorization: Bearer {token}' http://127.0.0.1:{port}/api/chatty-voice/tools"
    )
    if pages:
        print(f"voice web client: http://127.0.0.1:{port}/#token={token}")
        print(f"API reference:    http://127.0.0.1:{port}/docs")
    await asyncio.gather(*(s.serve() for s in servers))
    return 0


def main() -> None:
    try:
        sys.exit(asyncio.run(_main()))
    except KeyboardInterrupt:  # Ctrl-C (uvicorn re-raises the signal once it has shut down)
        sys.exit(0)


if __name__ == "__main__":
    main()
