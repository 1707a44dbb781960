"""The voice web client in headless Chromium, end to end (docs/web-client.md).

Debian's chromium, driven by Playwright (tests/web_client/chromium.py has the switches), with a
fake microphone, opens the page the reference serves and runs the contract's desktop branch
against the fake upstream, whose calls are answered by a real WebRTC peer (aiortc):
- the peer connection reaches `connected`, `getStats()` counts inbound audio packets from the
  fake's tone, the `oai-events` data channel round-trips events, and the server-proxied hang-up
  (maxSessionDurationSeconds, 8 s here) ends the call;
- every documented error the page can meet is shown from its documented body: 401, 403, 426,
  429 with Retry-After, 502, the realtime-token fallback (500) and OpenAI's own answer passed
  through (`default`);
- the same page on another origin works when that origin is allowed (CORS) and is blocked by
  the browser when it is not; credentials are never allowed;
- the API reference page (Redoc, vendored) renders every operation of the contract.

Screenshots of both pages land in reports/web/ (and in docs/ with SERVICEAI_SCREENSHOTS=docs,
which `make web-screenshots` sets). The page is built by esbuild without tsc here: the type check
is tests/test_web_client_typescript.py's.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from scripts import build_web
from tests.conftest import IN_CI, ROOT
from tests.web_client.chromium import chromium
from tests.web_client.stack import Stack, live_stack

SESSION_SECONDS = 8
CONNECT_TIMEOUT_MS = 30_000
SCREENSHOTS = ROOT / os.environ.get("SERVICEAI_SCREENSHOTS", "reports/web")
CONTRACT = json.loads(
    (ROOT / "generated" / "serviceai-api-spec" / "openapi.json").read_text(encoding="utf-8")
)
# Redoc 2's sidebar credit loads its logo from cdn.redoc.ly; the page's CSP blocks it (and Redoc
# then hides the image): the only CSP report either page may produce.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web") / "dist"
    try:
        build_web.bundle(out)
    except build_web.BuildError as exc:
        if build_web.NPM_MISSING in str(exc) and not IN_CI:
            pytest.skip(str(exc))
        raise
    return out


@pytest.fixture(scope="module")
def stack(build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with live_stack(tmp_path_factory.mktemp("stack"), build, SESSION_SECONDS) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


class Page:
    """A tab in its own browser context, with what its console and network reported since it
    last navigated."""

    def __init__(self, browser: Any, url: str | None = None) -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 900})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.failed: list[str] = []
        self.responses: list[Any] = []
        self.requests: list[str] = []
        self.call_ids: set[str] = set()  # the fake upstream's calls this page opened
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on(
            "requestfailed", lambda r: self.failed.append(f"{r.method} {r.url} {r.failure}")
        )
        self.page.on("response", lambda r: self.responses.append(r))
        self.page.on("request", lambda r: self.requests.append(r.url))
        if url is not None:
            self.goto(url)

    def goto(self, url: str) -> Page:
        for log in (self.console, self.failed, self.responses, self.requests):
            log.clear()
        # by way of about:blank: a URL differing only in its #token would not load the page again
        self.page.goto("about:blank")
        self.page.goto(url)
        self.page.wait_for_selector("html[data-ready=true]")
        return self

    def start(self, token: str | None = None) -> None:
        if token is not None:
            self.page.fill("#token", token)
        self.page.click("#start")

    def state(self) -> str:
        return str(self.page.get_attribute("#status", "data-state"))

    def wait_state(self, state: str, timeout_ms: int = CONNECT_TIMEOUT_MS) -> None:
        try:
            self.page.wait_for_selector(f"#status[data-state={state}]", timeout=timeout_ms)
        except Exception:
            raise AssertionError(
                f"page never reached {state}: status {self.page.inner_text('#status')!r}, "
                f"error {self.page.inner_text('#error')!r}, console {self.console[-5:]}"
            ) from None

    def error(self) -> dict[str, str]:
        """The shown error's data attributes and text (the page fills them from the body)."""
        self.page.wait_for_selector("#error:not([hidden])")
        found: dict[str, str] = self.page.evaluate(
            "() => ({...document.getElementById('error').dataset,"
            " text: document.getElementById('error').innerText})"
        )
        return found

    def events(self) -> list[str]:
        found: list[str] = self.page.eval_on_selector_all(
            "#events li", "items => items.map(i => `${i.dataset.direction} ${i.dataset.type}`)"
        )
        return found

    def wait_event(self, direction: str, kind: str) -> None:
        self.page.wait_for_selector(
            f"#events li[data-direction={direction}][data-type='{kind}']", timeout=15_000
        )

    def csp_reports(self) -> list[str]:
        return [c for c in self.console if "Content Security Policy" in c]

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def tabs(browser: Any) -> Iterator[dict[str, Page]]:
    """One tab per host, reused by the scenarios below: navigating a tab costs a third of a new
    context, and every scenario starts from a fresh page load all the same."""
    opened: dict[str, Page] = {}
    yield opened
    for tab in opened.values():
        tab.close()


@pytest.fixture
def open_page(browser: Any, tabs: dict[str, Page]) -> Callable[[str], Page]:
    def opened(url: str) -> Page:
        host = urlsplit(url).hostname or ""
        if host not in tabs:
            tabs[host] = Page(browser)
        return tabs[host].goto(url)

    return opened


def _shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def _wait_for(check: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


# -- the call, from the page the reference serves and from an allowed origin -----------------

ORIGINS = ("same-origin", "allowed-origin")


@pytest.fixture(scope="module")
def calls(stack: Stack, browser: Any) -> Iterator[dict[str, Page]]:
    """Two calls: the page the reference serves, and the same build on a dev server of an
    allowed origin. They stay up until the server hangs them up (the last test)."""
    pages = {
        "same-origin": Page(browser, stack.main.url + "/#token=tok-ada"),
        "allowed-origin": Page(browser, f"{stack.allowed}/?api={stack.main.url}#token=tok-bea"),
    }
    try:
        for page in pages.values():  # one after the other: each call's id is known
            before = set(stack.peers.calls)
            page.start()
            page.wait_state("connected")
            page.call_ids = set(stack.peers.calls) - before
        yield pages
    finally:
        for page in pages.values():
            page.close()


@pytest.mark.parametrize("origin", ORIGINS)
def test_call_connects_plays_audio_and_round_trips_events(
    calls: dict[str, Page], stack: Stack, origin: str
) -> None:
    call = calls[origin]
    page = call.page
    assert page.inner_text("#api") == stack.main.url
    # the token came in the fragment; the page took it out of the address bar
    assert "#token" not in page.url and page.input_value("#token").startswith("tok-")
    assert page.eval_on_selector_all("#tools li", "l => l.map(i => i.dataset.name)") == [
        "get_weather",
        "get_time",
        "create_service_ticket",
    ]
    # the data channel: session.update answered by session.updated, after session.created
    call.wait_event("received", "session.updated")
    page.click("#respond")
    call.wait_event("received", "response.done")
    assert call.events() == [
        "sent session.update",
        "received session.created",
        "received session.updated",
        "sent response.create",
        "received response.created",
        "received response.done",
    ]
    # the browser's own statistics: audio packets from the fake's tone, Opus, over loopback
    page.wait_for_function(
        "() => Number(document.getElementById('packets').dataset.value) > 20", timeout=15_000
    )
    stats = page.evaluate("() => window.voiceCall.stats()")
    assert stats["packetsReceived"] > 20 and stats["bytesReceived"] > 0
    assert stats["codec"] == "audio/opus"
    assert stats["remoteAddress"].startswith("127.0.0.1:"), stats
    assert page.evaluate("() => window.voiceCall.pc.connectionState") == "connected"
    assert page.evaluate(
        "() => { const a = document.getElementById('speaker'); return a.srcObject !== null"
        " && !a.paused && a.srcObject.getAudioTracks()[0].readyState === 'live'; }"
    )
    # the fake's side: one call, the events the page sent, the page's microphone heard
    assert len(call.call_ids) == 1
    mine = stack.peers.calls[next(iter(call.call_ids))]
    assert [e["type"] for e in mine.received] == ["session.update", "response.create"]
    assert mine.received[0]["session"]["instructions"].startswith("You are Chatty")
    assert mine.session["instructions"].startswith("You are Chatty")  # session.update applied
    assert mine.session["object"] == "realtime.session"  # the session its ek_ key was minted for
    assert mine.audio_frames_in > 0
    # the SDP offer went through the reference unchanged, with a loopback candidate
    offers = [r["sdp"] for r in stack.fake_state.requests if r.get("operation") == "calls"]
    assert any(" 127.0.0.1 " in o and "a=candidate" in o for o in offers)
    assert call.csp_reports() == []
    if origin == "same-origin":
        page.set_viewport_size({"width": 1000, "height": 660})
        _shoot(page, "web-client.png")
        return
    # across origins: every API answer the page read carried CORS for its origin, no credentials
    api = [r for r in call.responses if r.url.startswith(stack.main.url + "/api/")]
    assert {r.url.removeprefix(stack.main.url) for r in api} == {
        "/api/chatty-voice/tools",
        "/api/csrf-token",
        "/api/realtime-token",
        "/api/realtime/webrtc",
    }
    for response in api:
        headers = response.all_headers()
        assert headers["access-control-allow-origin"] == stack.allowed
        assert "access-control-allow-credentials" not in headers


def test_user_hang_up_ends_the_call(stack: Stack, open_page: Callable[[str], Page]) -> None:
    page = open_page(stack.main.url + "/#token=tok-hal")
    before = set(stack.peers.calls)
    page.start()
    page.wait_state("connected")
    (call_id,) = set(stack.peers.calls) - before
    page.page.click("#hangup")
    page.wait_state("ended")
    assert page.page.inner_text("#status") == "ended: you hung up"
    assert page.page.evaluate("() => window.voiceCall.pc.connectionState") == "closed"
    # the fake's peer sees the caller leave (DTLS close), long before any server hang-up
    peer = stack.peers.calls[call_id]
    _wait_for(lambda: peer.pc.connectionState == "closed", "the fake's peer to close")
    assert not peer.closed_by_hangup


# -- documented errors, each arranged with settings or a fake upstream fault ----------------
# The first four from the served page and from the allowed origin: across origins the page reads
# the same bodies, and the 429's Retry-After only because the server exposes it (CORS).


def _page_url(stack: Stack, origin: str, server: str, token: str | None) -> str:
    fragment = f"#token={token}" if token else ""
    if origin == "same-origin":
        return f"{server}/{fragment}"
    return f"{stack.allowed}/?api={server}{fragment}"


@pytest.mark.parametrize("origin", ORIGINS)
def test_401_shown_for_an_unknown_token(
    stack: Stack, open_page: Callable[[str], Page], origin: str
) -> None:
    page = open_page(_page_url(stack, origin, stack.main.url, None))
    page.start("tok-nobody-knows")
    page.wait_state("failed")
    error = page.error()
    assert (error["status"], error["code"], error["operation"]) == (
        "401",
        "UNAUTHENTICATED",
        "listChattyTools",
    )
    assert "Missing or invalid session token." in error["text"]


@pytest.mark.parametrize("origin", ORIGINS)
def test_403_shown_without_the_entitlement(
    stack: Stack, open_page: Callable[[str], Page], origin: str
) -> None:
    page = open_page(_page_url(stack, origin, stack.main.url, "tok-noent"))
    page.start()
    page.wait_state("failed")
    error = page.error()
    assert (error["status"], error["code"]) == ("403", "FORBIDDEN")
    assert "chatty-voice entitlement" in error["text"]


@pytest.mark.parametrize("origin", ORIGINS)
def test_426_shown_when_the_server_needs_a_newer_client(
    stack: Stack, open_page: Callable[[str], Page], origin: str
) -> None:
    page = open_page(_page_url(stack, origin, stack.strict.url, "tok-dee"))
    page.start()
    page.wait_state("failed")
    error = page.error()
    assert (error["status"], error["minClientVersion"]) == ("426", "2.0.0")
    assert "This page is version 1.0.0; the server needs 2.0.0 or later." in error["text"]


@pytest.mark.parametrize(
    ("origin", "token"), [("same-origin", "tok-fay"), ("allowed-origin", "tok-ivy")]
)
def test_502_then_429_with_retry_after(
    stack: Stack, open_page: Callable[[str], Page], origin: str, token: str
) -> None:
    page = open_page(_page_url(stack, origin, stack.main.url, token))
    # the page's own mint passes; the SDP exchange's mint fails upstream: 502 { error, status }
    stack.faults(
        paths=["/realtime/client_secrets"], skip=1, times=1, status=500, body='{"error": {}}'
    )
    try:
        page.start()
        page.wait_state("failed")
        error = page.error()
    finally:
        stack.clear_faults()
    assert (error["status"], error["operation"]) == ("502", "exchangeRealtimeSdp")
    assert "Failed to mint OpenAI client secret (OpenAI answered 500)" in error["text"]
    # one mint per user and window: the second start is refused, with the wait to show
    page.start()
    page.page.wait_for_selector("#error[data-status='429']")
    error = page.error()
    assert (error["code"], error["operation"]) == ("RATE_LIMITED", "createRealtimeToken")
    assert 0 < int(error["retryAfter"]) <= 60
    assert f"Try again in {error['retryAfter']} s." in error["text"]


def test_fallback_branch_shown_when_the_mint_fails(
    stack: Stack, open_page: Callable[[str], Page]
) -> None:
    page = open_page(stack.main.url + "/#token=tok-eve")
    stack.faults(paths=["/realtime/client_secrets"], times=1, status=503, body="{}")
    try:
        page.start()
        page.wait_state("failed")
    finally:
        stack.clear_faults()
    error = page.error()
    assert (error["status"], error["code"]) == ("500", "FALLBACK")
    assert "use the HTTP fallback" in error["text"]


def test_openai_refusal_passed_through_and_shown(
    stack: Stack, open_page: Callable[[str], Page]
) -> None:
    """The `default` response: OpenAI's status and body as they came. (A status the contract
    documents with this server's envelope, 400 say, cannot carry OpenAI's body validly: a known
    gap of the published contract, contract_tests/test_upstream_statuses.py. The servers here
    validate every response, so the refusal is a 422.)"""
    page = open_page(stack.main.url + "/#token=tok-cy")
    # OpenAI's text is shown as text: markup in it never becomes an element of the page
    sneaky = 'Invalid offer <img src=x onerror="window.pwned = true">'
    refusal = {"error": {"message": sneaky, "type": "invalid_request_error"}}
    stack.faults(paths=["/realtime/calls"], times=1, status=422, body=json.dumps(refusal))
    try:
        page.start()
        page.wait_state("failed")
    finally:
        stack.clear_faults()
    error = page.error()
    assert (error["status"], error["code"]) == ("422", "UPSTREAM")
    assert "OpenAI refused the call" in error["text"] and "Invalid offer <img" in error["text"]
    assert page.page.evaluate("() => document.querySelectorAll('#error img').length") == 0
    assert page.page.evaluate("() => window.pwned") is None


# -- another origin: allowed, refused, never with credentials ---------------------------------


def test_refused_origin_is_blocked_by_the_browser(
    stack: Stack, open_page: Callable[[str], Page]
) -> None:
    page = open_page(f"{stack.refused}/?api={stack.main.url}#token=tok-gus")
    page.start()
    page.wait_state("failed")
    assert page.error()["status"] == "network"
    assert f"{stack.main.url}/api/chatty-voice/tools" in " ".join(page.failed)
    assert any("blocked by CORS policy" in line for line in page.console), page.console
    # what the browser was told: a refused preflight, no CORS header at all
    preflight = httpx.options(
        stack.main.url + "/api/chatty-voice/tools",
        headers={
            "Origin": stack.refused,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization,x-client-version",
        },
    )
    assert preflight.status_code == 403
    assert not [h for h in preflight.headers if h.lower().startswith("access-control-")]


def test_credentials_are_never_allowed_cross_origin(
    stack: Stack, open_page: Callable[[str], Page]
) -> None:
    page = open_page(f"{stack.allowed}/?api={stack.main.url}")
    script = """async ([url, credentials]) => {
        try {
            const r = await fetch(url, { credentials, headers: { Authorization: "Bearer tok-bea" } });
            return String(r.status);
        } catch (e) { return e.name; }
    }"""
    url = stack.main.url + "/api/csrf-token"
    assert page.page.evaluate(script, [url, "omit"]) == "200"
    assert page.page.evaluate(script, [url, "include"]) == "TypeError"


# -- the API reference page ------------------------------------------------------------------


def _operations() -> set[tuple[str, str]]:
    return {
        (method, path)
        for path, item in CONTRACT["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    }


def test_api_reference_lists_every_operation(
    stack: Stack, open_page: Callable[[str], Page]
) -> None:
    host = urlsplit(stack.main.url).netloc
    page = open_page(stack.main.url + "/docs")
    page.page.wait_for_selector("html[data-rendered]", timeout=60_000)
    assert page.page.get_attribute("html", "data-rendered") == "true"
    # Redoc names an operation without an operationId `tag/<tag>/paths/<path>/<method>`
    ids = page.page.eval_on_selector_all(
        "[role=menu] [data-item-id]", "items => items.map(i => i.dataset.itemId)"
    )
    listed = set()
    for item in ids:
        match = re.fullmatch(r"tag/[^/]+/paths/(?P<path>[^/]+)/(?P<method>[a-z]+)", item)
        if match:
            path = match["path"].replace("~1", "/").replace("~0", "~")
            listed.add((match["method"], path))
    assert listed == _operations()
    assert len(listed) == 7
    # and each one is rendered in the page body with its summary
    text = page.page.inner_text("#redoc")
    for item in CONTRACT["paths"].values():
        for operation in item.values():
            assert operation["summary"].rstrip(".") in text
    assert page.page.title() == "ServiceAi API reference"
    # every request went to this server (the bundle is vendored, nothing comes from a CDN),
    # but for Redoc's credit logo, which the page's CSP stops in the browser
    fetched = [(u, urlsplit(u)) for u in page.requests]
    foreign = [u for u, p in fetched if p.scheme in ("http", "https") and p.netloc != host]
    assert foreign == [REDOC_LOGO]
    assert [f for f in page.failed if REDOC_LOGO in f] == [f"GET {REDOC_LOGO} csp"]
    assert [c for c in page.csp_reports() if REDOC_LOGO not in c] == []
    # the screenshot: the SDP exchange, chosen in the menu as a reader would
    page.page.click("[data-item-id='tag/chatty'] > label")
    page.page.click("[data-item-id='tag/chatty/paths/~1api~1realtime~1webrtc/post'] > label")
    page.page.wait_for_function("() => location.hash.endsWith('webrtc/post')")
    page.page.wait_for_timeout(300)  # the smooth scroll settles
    _shoot(page.page, "api-reference.png")


# -- last: the server hangs the first calls up ------------------------------------------------


@pytest.mark.parametrize("origin", ORIGINS)
def test_server_hang_up_ends_the_call(calls: dict[str, Page], stack: Stack, origin: str) -> None:
    """maxSessionDurationSeconds after the SDP exchange, the reference hangs the call up at the
    fake upstream, which closes its peer: the page's data channel closes and the call ends."""
    call = calls[origin]
    call.wait_state("ended", timeout_ms=(SESSION_SECONDS + 20) * 1000)
    assert call.page.inner_text("#status") == "ended: the server ended the call"
    mine = stack.peers.calls[next(iter(call.call_ids))]
    _wait_for(lambda: mine.closed_by_hangup, "the fake to close the peer")
    assert stack.main_app.state.handlers.sessions.hung_up >= 1
    assert call.page.evaluate("() => window.voiceCall.pc.connectionState") == "closed"
    assert call.events()[-1] == "received response.done"  # nothing after the hang-up
