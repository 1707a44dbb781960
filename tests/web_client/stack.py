"""The live stack the browser tests drive: the fake upstream answering calls with real WebRTC
peers, reference servers configured per scenario, and "dev servers" on other origins serving
the same built page (as a web team's `localhost:5173` would)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import FileResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reference.app import build_app
from reference.fake_upstream import FakeState, create_fake_app
from reference.fake_upstream.peer import PeerCalls
from reference.settings import Settings, User
from tests.reference_support.fixtures import API_KEY, make_settings
from tests.reference_support.servers import LiveServer

USERS = {
    "tok-ada": User(id="ada", organization_id="org_1", entitlements=["chatty-voice"]),
    "tok-bea": User(id="bea", organization_id="org_1", entitlements=["chatty-voice"]),
    "tok-cy": User(id="cy", organization_id="org_2", entitlements=["chatty-voice"]),
    "tok-dee": User(id="dee", organization_id="org_2", entitlements=["chatty-voice"]),
    "tok-eve": User(id="eve", organization_id="org_3", entitlements=["chatty-voice"]),
    "tok-fay": User(id="fay", organization_id="org_3", entitlements=["chatty-voice"]),
    "tok-gus": User(id="gus", organization_id="org_4", entitlements=["chatty-voice"]),
    "tok-hal": User(id="hal", organization_id="org_4", entitlements=["chatty-voice"]),
    "tok-ivy": User(id="ivy", organization_id="org_5", entitlements=["chatty-voice"]),
    "tok-noent": User(id="noent", organization_id="org_4", entitlements=[]),
}


def dev_server(build: Path) -> Starlette:
    """A static server for the built page, as a front-end dev server would serve it."""

    async def index(request: Any) -> FileResponse:
        return FileResponse(build / "index.html")

    return Starlette(
        routes=[Route("/", index), Mount("/assets", StaticFiles(directory=build), name="assets")]
    )


@dataclass
class Stack:
    fake: LiveServer
    fake_state: FakeState
    peers: PeerCalls
    main: LiveServer  # the reference: page, API, CORS allowing `allowed`
    main_app: FastAPI
    strict: LiveServer  # the reference with minClientVersion 2.0.0 (426 for this 1.x page)
    allowed: str  # an origin the main reference allows (a dev server on localhost)
    refused: str  # an origin it does not
    settings: Settings

    def faults(self, **faults: Any) -> None:
        httpx.post(self.fake.url + "/__faults", json=faults).raise_for_status()

    def clear_faults(self) -> None:
        httpx.delete(self.fake.url + "/__faults").raise_for_status()


@contextmanager
def live_stack(tmp: Path, build: Path, session_seconds: int) -> Iterator[Stack]:
    with ExitStack() as stack:
        peers = PeerCalls()
        state = FakeState(api_keys={API_KEY}, peers=peers)
        fake = LiveServer(create_fake_app(state)).start()
        stack.callback(fake.stop)
        dev_allowed = LiveServer(dev_server(build)).start()
        stack.callback(dev_allowed.stop)
        dev_refused = LiveServer(dev_server(build)).start()
        stack.callback(dev_refused.stop)
        allowed = f"http://localhost:{dev_allowed.port}"
        settings = make_settings(
            tmp,
            fake.url + "/v1",
            users=USERS,
            web_dir=build,
            cors_allowed_origins=[allowed],
            max_session_duration_seconds=session_seconds,
            # one mint per user and window: a second call of the same user is a 429
            mint_rate_limit=1,
            webrtc_rate_limit=100,
            trusted_proxies=[],
        )
        main_app = build_app(settings, validate_responses=True)
        main = LiveServer(main_app).start()
        stack.callback(main.stop)
        strict_settings = settings.model_copy(update={"min_client_version": "2.0.0"})
        strict = LiveServer(build_app(strict_settings, validate_responses=True)).start()
        stack.callback(strict.stop)
        yield Stack(
            fake,
            state,
            peers,
            main,
            main_app,
            strict,
            allowed,
            f"http://localhost:{dev_refused.port}",
            settings,
        )
