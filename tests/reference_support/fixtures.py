"""The reference server and the fake upstream, live on loopback, plus a response checker."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from serviceai_api.server import validation

from reference.app import build_app
from reference.fake_upstream import FakeState, create_fake_app
from reference.settings import Settings, User
from reference.store import Store
from tests.reference_support.servers import LiveServer

API_KEY = "sk-test-9f8e7d6c5b4a39281706f5e4d3c2b1a0"

USERS = {
    "tok-alice": User(
        id="alice", organization_id="org_42", entitlements=["chatty-voice", "tool:*"]
    ),
    "tok-bob": User(id="bob", organization_id=7, entitlements=["chatty-voice"]),
    "tok-carol": User(id="carol", organization_id="org_9", entitlements=["chatty-voice"]),
    "tok-nobody": User(id="nobody", organization_id="org_1", entitlements=[]),
}


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


CAPTURE = Capture()
logging.getLogger().addHandler(CAPTURE)
logging.getLogger().setLevel(logging.DEBUG)


@dataclass
class Checked:
    """Every response the suite validated: (operation, status, media type) and the bodies."""

    covered: set[tuple[str, str, str]] = field(default_factory=set)
    bodies: list[bytes] = field(default_factory=list)

    def check(self, operation_id: str, response: httpx.Response) -> httpx.Response:
        ctype = response.headers.get("content-type")
        problems = validation.response_errors(
            operation_id, response.status_code, ctype, response.content
        )
        assert problems == [], (operation_id, response.status_code, response.text, problems)
        documented = validation.RESPONSES[operation_id]
        status = next(
            k
            for k in (str(response.status_code), f"{str(response.status_code)[0]}XX", "default")
            if k in documented
        )
        media = (ctype or "").split(";")[0].strip()
        self.covered.add((operation_id, status, media if documented[status] else ""))
        self.bodies.append(response.content)
        for value in response.headers.values():
            self.bodies.append(value.encode())
        return response


CHECKED = Checked()


def make_settings(tmp: Path, upstream_url: str, **extra: Any) -> Settings:
    key_file = tmp / "openai-key"
    if not key_file.exists():
        key_file.write_text(API_KEY + "\n")
    values: dict[str, Any] = {
        "users": USERS,
        "upstream_base_url": upstream_url,
        "upstream_timeout_seconds": 2.0,
        "openai_api_key_file": key_file,
        "mint_rate_limit": 12,
        "language": "Spanish",
        "voice_accent": "neutral Latin American Spanish",
        "voice_tone": "friendly and professional",
        # The tests stand in for a proxy on loopback: fresh X-Forwarded-For addresses per test.
        "trusted_proxies": ["127.0.0.1"],
    }
    values.update(extra)
    return Settings(**values)


@dataclass
class Stack:
    fake: LiveServer
    fake_state: FakeState
    servers: list[LiveServer]
    settings: Settings

    @property
    def url(self) -> str:
        return self.servers[0].url

    def faults(self, **faults: Any) -> None:
        httpx.post(self.fake.url + "/__faults", json=faults).raise_for_status()

    def clear_faults(self) -> None:
        httpx.delete(self.fake.url + "/__faults").raise_for_status()


def start_stack(
    tmp: Path, replicas: int = 1, store_factory: Any = None, **extra: Any
) -> Iterator[Stack]:
    state = FakeState(api_keys={API_KEY})
    fake = LiveServer(create_fake_app(state)).start()
    servers: list[LiveServer] = []
    try:
        settings = make_settings(tmp, fake.url + "/v1", **extra)
        for _ in range(replicas):
            store: Store | None = store_factory() if store_factory else None
            app = build_app(settings, store=store, validate_responses=True)
            servers.append(LiveServer(app).start())
        yield Stack(fake, state, servers, settings)
    finally:
        for server in servers:
            server.stop()
        fake.stop()
