"""Every security scheme of a document, from the constructor and the environment (issue 20).

A real local server records what the generated client sends; OAuth2 client credentials are
fetched from the scheme's token URL on the same server, renewed before expiry (an injected
clock) and once on a 401. No credential reaches a log line or an error message.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import pytest
from client_support.calls import MODES, invoke
from client_support.generated import shop_sdk
from client_support.server import Recorded, Reply, ScriptedServer

ALL_KINDS = {"api_key": "key-1", "basic_auth": ("ann", "s3cret"), "token": "tok-1"}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return shop_sdk(tmp_path_factory.getbasetemp())[1]


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("SHOP_API_"):
            monkeypatch.delenv(name)


def _call(
    shop: ModuleType, server: ScriptedServer, mode: str, method: str, **client: Any
) -> Recorded:
    server.script(Reply(204))
    invoke(shop, mode, server.url, "auth", method, client_kwargs=client)
    (sent,) = server.requests
    return sent


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _credentials(sent: Recorded) -> dict[str, Any]:
    """Everything credential-like the request carried."""
    return {
        "authorization": sent.headers.get("authorization"),
        "x-api-key": sent.headers.get("x-api-key"),
        "cookie": sent.headers.get("cookie"),
        "query": dict(sent.query),
    }


NOTHING = {"authorization": None, "x-api-key": None, "cookie": None, "query": {}}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("query", {**NOTHING, "query": {"api_key": "key-1"}}),
        ("cookie", {**NOTHING, "cookie": "session=key-1"}),
        ("basic", {**NOTHING, "authorization": _basic("ann", "s3cret")}),
        ("bearer", {**NOTHING, "authorization": "Bearer tok-1"}),
        ("default", {**NOTHING, "x-api-key": "key-1"}),  # the document's security
        ("none", NOTHING),  # security: []
        ("both", {**NOTHING, "x-api-key": "key-1", "query": {"api_key": "key-1"}}),
        ("either", {**NOTHING, "authorization": "Bearer tok-1"}),  # the first alternative
        ("optional", {**NOTHING, "authorization": "Bearer tok-1"}),  # anonymous last
    ],
)
def test_each_scheme_sends_its_credential_where_the_operation_says(
    shop: ModuleType, server: ScriptedServer, mode: str, method: str, expected: dict[str, Any]
) -> None:
    assert _credentials(_call(shop, server, mode, method, **ALL_KINDS)) == expected


def test_alternatives_take_the_first_that_is_configured(
    shop: ModuleType, server: ScriptedServer
) -> None:
    only_basic = {"basic_auth": ("ann", "s3cret")}
    assert _call(shop, server, "sync", "either", **only_basic).headers["authorization"] == _basic(
        "ann", "s3cret"
    )
    # Nothing configured for a requirement: nothing is sent, the server answers.
    assert _credentials(_call(shop, server, "sync", "bearer", **only_basic)) == NOTHING
    assert _credentials(_call(shop, server, "sync", "optional", **only_basic)) == NOTHING
    # Both schemes of one requirement are needed: one alone sends neither.
    assert (
        _credentials(_call(shop, server, "sync", "both", credentials={"headerKey": "h"})) == NOTHING
    )


@pytest.mark.parametrize("mode", MODES)
def test_credentials_from_the_environment_named_after_package_and_scheme(
    shop: ModuleType, server: ScriptedServer, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_API_HEADER_KEY", "env-header")
    monkeypatch.setenv("SHOP_API_QUERY_KEY", "env-query")
    monkeypatch.setenv("SHOP_API_API_KEY", "env-any-key")  # the kind's variable: the cookie
    monkeypatch.setenv("SHOP_API_BASIC_AUTH_USERNAME", "env-user")
    monkeypatch.setenv("SHOP_API_BASIC_AUTH_PASSWORD", "env-pass")
    monkeypatch.setenv("SHOP_API_TOKEN", "env-token")  # today's variable keeps working
    assert _call(shop, server, mode, "default").headers["x-api-key"] == "env-header"
    assert _call(shop, server, mode, "query").query == [("api_key", "env-query")]
    assert _call(shop, server, mode, "cookie").headers["cookie"] == "session=env-any-key"
    assert _call(shop, server, mode, "basic").headers["authorization"] == _basic(
        "env-user", "env-pass"
    )
    assert _call(shop, server, mode, "bearer").headers["authorization"] == "Bearer env-token"
    monkeypatch.setenv("SHOP_API_BEARER_AUTH", "env-scheme-token")  # the scheme's own wins
    assert _call(shop, server, mode, "bearer").headers["authorization"] == "Bearer env-scheme-token"
    # A constructor argument wins over the environment; `credentials=` over both.
    assert _call(shop, server, mode, "default", api_key="arg").headers["x-api-key"] == "arg"
    sent = _call(shop, server, mode, "default", api_key="arg", credentials={"headerKey": "own"})
    assert sent.headers["x-api-key"] == "own"


def test_unknown_scheme_and_with_options(shop: ModuleType, server: ScriptedServer) -> None:
    with pytest.raises(shop.client.errors.ConfigurationError, match="nope"):
        shop.client.Client(server.url, credentials={"nope": "x"})
    with shop.client.Client(server.url, api_key="first") as client:
        server.script(Reply(204), Reply(204))
        client.with_options(api_key="second").auth.default()
        client.auth.default()
        assert [r.headers["x-api-key"] for r in server.requests] == ["second", "first"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _oauth_client(shop: ModuleType, clock: Clock, **kwargs: Any) -> dict[str, Any]:
    retry = shop.client.RetryConfig(clock=clock, sleep=lambda s: None)
    return {"client_id": "app-1", "client_secret": "very-secret", "retry": retry, **kwargs}


TOKEN = Reply(200, json={"access_token": "acc-1", "token_type": "Bearer", "expires_in": 3600})


@pytest.mark.parametrize("mode", MODES)
def test_oauth_client_credentials_fetch_the_token_then_send_it(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    server.script(TOKEN, Reply(204))
    invoke(shop, mode, server.url, "auth", "oauth", client_kwargs=_oauth_client(shop, Clock()))
    token_request, call = server.requests
    assert (token_request.method, token_request.path) == ("POST", "/oauth/token")
    assert token_request.headers["authorization"] == _basic("app-1", "very-secret")
    assert dict(parse_qsl(token_request.body.decode())) == {
        "grant_type": "client_credentials",
        "scope": "orders.read",
    }
    assert call.path == "/auth/oauth" and call.headers["authorization"] == "Bearer acc-1"


def test_oauth_token_is_kept_then_renewed_before_expiry(
    shop: ModuleType, server: ScriptedServer
) -> None:
    clock = Clock()
    second = Reply(200, json={"access_token": "acc-2", "expires_in": 3600})
    server.script(TOKEN, Reply(204), Reply(204), second, Reply(204))
    with shop.client.Client(server.url, **_oauth_client(shop, clock)) as client:
        client.auth.oauth()
        clock.now += 3000  # still well inside its hour
        client.auth.oauth()
        clock.now += 580  # 20 s before it expires: renewed first
        client.auth.oauth()
    paths = [r.path for r in server.requests]
    assert paths == ["/oauth/token", "/auth/oauth", "/auth/oauth", "/oauth/token", "/auth/oauth"]
    assert [r.headers["authorization"] for r in server.requests if r.path == "/auth/oauth"] == [
        "Bearer acc-1",
        "Bearer acc-1",
        "Bearer acc-2",
    ]


@pytest.mark.parametrize("mode", MODES)
def test_oauth_401_fetches_a_new_token_once(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    second = Reply(200, json={"access_token": "acc-2", "expires_in": 3600})
    server.script(TOKEN, Reply(401, json={"error": "revoked"}), second, Reply(204))
    invoke(shop, mode, server.url, "auth", "oauth", client_kwargs=_oauth_client(shop, Clock()))
    assert [r.path for r in server.requests] == [
        "/oauth/token",
        "/auth/oauth",
        "/oauth/token",
        "/auth/oauth",
    ]
    assert server.requests[-1].headers["authorization"] == "Bearer acc-2"
    # A second 401 is the server's answer: raised, not retried again.
    server.script(TOKEN, Reply(401, json={"error": "no"}), second, Reply(401, json={"error": "no"}))
    with pytest.raises(shop.client.errors.ApiError) as caught:
        invoke(shop, mode, server.url, "auth", "oauth", client_kwargs=_oauth_client(shop, Clock()))
    assert caught.value.status_code == 401 and len(server.requests) == 4


@pytest.mark.parametrize("mode", MODES)
def test_a_refused_token_request_is_a_clear_error_without_the_secret(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    server.script(
        Reply(401, json={"error": "invalid_client", "error_description": "unknown client"})
    )
    with pytest.raises(shop.client.errors.TokenRequestError) as caught:
        invoke(shop, mode, server.url, "auth", "oauth", client_kwargs=_oauth_client(shop, Clock()))
    assert "unknown client" in str(caught.value) and "/oauth/token" in str(caught.value)
    assert "very-secret" not in str(caught.value) and "app-1" not in str(caught.value)
    assert len(server.requests) == 1


def test_oauth_client_credentials_from_the_environment(
    shop: ModuleType, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOP_API_OAUTH_CLIENT_ID", "env-app")
    monkeypatch.setenv("SHOP_API_OAUTH_CLIENT_SECRET", "env-secret")
    server.script(TOKEN, Reply(204))
    invoke(shop, "sync", server.url, "auth", "oauth")
    assert server.requests[0].headers["authorization"] == _basic("env-app", "env-secret")
    # A ready token wins over client credentials.
    sent = _call(shop, server, "sync", "oauth", token="ready")
    assert sent.headers["authorization"] == "Bearer ready"


def test_no_secret_in_logs_or_error_messages(
    shop: ModuleType,
    server: ScriptedServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SHOP_API_LOG", "debug")
    secrets = (
        "key-1",
        "s3cret",
        "tok-1",
        "very-secret",
        "acc-1",
        base64.b64encode(b"ann:s3cret").decode(),
    )
    caplog.set_level(logging.DEBUG, logger="shop_api")
    caplog.set_level(logging.INFO, logger="httpx")  # httpx logs every request URL at INFO
    retry = shop.client.RetryConfig(sleep=lambda s: None, clock=Clock())
    with shop.client.Client(
        server.url,
        api_key="key-1",
        basic_auth=("ann", "s3cret"),
        credentials={"bearerAuth": "tok-1"},
        client_id="app-1",
        client_secret="very-secret",
        retry=retry,
    ) as client:
        for name in ("query", "cookie", "basic", "bearer", "default", "both"):
            server.script(Reply(204))
            getattr(client.auth, name)()
        server.script(TOKEN, Reply(204))
        client.auth.oauth()
        server.script(Reply(503, "down", "text/plain"))
        with pytest.raises(shop.client.errors.ApiError) as caught:
            client.auth.query()
    text = caplog.text + str(caught.value)
    assert "api_key=%3Credacted%3E" in str(caught.value) or "api_key=<redacted>" in str(
        caught.value
    )
    assert caplog.records and "auth.query" in caplog.text
    assert "HTTP Request: GET" in caplog.text and "/auth/query?api_key=" in caplog.text
    for secret in secrets:
        assert secret not in text, secret
