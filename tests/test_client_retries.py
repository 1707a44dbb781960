"""Retries as the OpenAI SDK does them (issue 20), against a real local server.

Asserted by counts and recorded request headers, never by time: the sleep and the clock are
injected (`RetryConfig(sleep=..., clock=...)`).
"""

from __future__ import annotations

import email.utils
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from client_support.calls import MODES, invoke
from client_support.generated import shop_sdk
from client_support.server import Reply, ScriptedServer, free_port_url

ORDER = {"id": 1, "item": "tea", "quantity": 2, "created": "2026-01-02T03:04:05Z"}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return shop_sdk(tmp_path_factory.getbasetemp())[1]


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def asleep(self, seconds: float) -> None:
        self.delays.append(seconds)


def _kwargs(shop: ModuleType, sleeps: Sleeps, **config: Any) -> dict[str, Any]:
    retry = shop.client.RetryConfig(sleep=sleeps, async_sleep=sleeps.asleep, jitter=0.0, **config)
    return {"retry": retry, "api_key": "k"}


def _order(shop: ModuleType, mode: str, url: str, kwargs: dict[str, Any], **extra: Any) -> Any:
    return invoke(
        shop, mode, url, "orders", "create", item="tea", quantity=2, client_kwargs=kwargs, **extra
    )


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_above_the_cap_gives_up_at_once_with_the_wait(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    sleeps = Sleeps()
    server.script(Reply(429, json={"error": "slow down"}, headers={"Retry-After": "120"}))
    with pytest.raises(shop.client.errors.TooManyRequestsError) as caught:
        invoke(shop, mode, server.url, "orders", "get", id_=1, client_kwargs=_kwargs(shop, sleeps))
    assert caught.value.retry_after == 120.0
    assert len(server.requests) == 1 and sleeps.delays == []


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_seconds_date_and_ms_are_waited_exactly(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    sleeps = Sleeps()
    now = 1_800_000_000.0
    date = email.utils.formatdate(now + 5, usegmt=True)
    server.script(
        Reply(503, "busy", "text/plain", {"Retry-After": "3"}),
        Reply(429, "busy", "text/plain", {"Retry-After": date}),
        Reply(503, "busy", "text/plain", {"retry-after-ms": "250", "Retry-After": "9"}),
        Reply(200, json=ORDER),
    )
    kwargs = {**_kwargs(shop, sleeps, clock=lambda: now), "max_retries": 3}
    order = invoke(shop, mode, server.url, "orders", "get", id_=1, client_kwargs=kwargs)
    assert order.id == 1
    assert sleeps.delays == [3.0, 5.0, 0.25]
    # The retry count is sent on every retry, not on the first attempt.
    assert [r.headers.get("x-retry-count") for r in server.requests] == [None, "1", "2", "3"]


@pytest.mark.parametrize("mode", MODES)
def test_x_should_retry_overrides_the_policy(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    sleeps = Sleeps()
    # A GET 503 is normally retried: the server says no.
    server.script(
        Reply(503, "no", "text/plain", {"x-should-retry": "false"}), Reply(200, json=ORDER)
    )
    with pytest.raises(shop.client.errors.ServiceUnavailableError):
        invoke(shop, mode, server.url, "orders", "get", id_=1, client_kwargs=_kwargs(shop, sleeps))
    assert len(server.requests) == 1
    # A POST 500 without an idempotency key is never retried: the server says yes.
    server.script(Reply(500, "oops", "text/plain", {"x-should-retry": "true"}), Reply(201))
    assert (
        invoke(
            shop,
            mode,
            server.url,
            "payments",
            "create",
            amount=5,
            client_kwargs=_kwargs(shop, sleeps),
        )
        is None
    )
    assert len(server.requests) == 2 and sleeps.delays == [0.5]


@pytest.mark.parametrize("mode", MODES)
def test_a_declared_idempotency_key_makes_a_post_retryable_with_one_key(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    sleeps = Sleeps()
    server.script(
        Reply(503, "busy", "text/plain"), Reply(502, "busy", "text/plain"), Reply(201, json=ORDER)
    )
    order = _order(shop, mode, server.url, _kwargs(shop, sleeps))
    assert order.item == "tea"
    keys = [r.headers.get("idempotency-key") for r in server.requests]
    assert len(keys) == 3 and keys[0] is not None and len(set(keys)) == 1
    uuid.UUID(keys[0])
    assert [r.headers.get("x-retry-count") for r in server.requests] == [None, "1", "2"]
    # A second logical call gets a new key.
    server.script(Reply(201, json=ORDER))
    _order(shop, mode, server.url, _kwargs(shop, sleeps))
    assert server.requests[0].headers["idempotency-key"] != keys[0]


@pytest.mark.parametrize("mode", MODES)
def test_the_callers_own_idempotency_key_is_kept(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    sleeps = Sleeps()
    server.script(Reply(503, "busy", "text/plain"), Reply(201, json=ORDER))
    _order(shop, mode, server.url, _kwargs(shop, sleeps), idempotency_key="mine-1")
    assert [r.headers.get("idempotency-key") for r in server.requests] == ["mine-1", "mine-1"]


@pytest.mark.parametrize("mode", MODES)
def test_the_idempotency_option_for_undeclared_posts(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    sleeps = Sleeps()
    server.script(Reply(503, "busy", "text/plain"), Reply(201))
    with pytest.raises(shop.client.errors.ServiceUnavailableError):
        invoke(
            shop, mode, server.url, "payments", "create", amount=5,
            client_kwargs=_kwargs(shop, sleeps),
        )  # fmt: skip
    assert len(server.requests) == 1 and "idempotency-key" not in server.requests[0].headers
    server.script(Reply(503, "busy", "text/plain"), Reply(201))
    kwargs = _kwargs(shop, sleeps, idempotency_header="Idempotency-Key")
    invoke(shop, mode, server.url, "payments", "create", amount=5, client_kwargs=kwargs)
    keys = [r.headers.get("idempotency-key") for r in server.requests]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]


@pytest.mark.parametrize("mode", MODES)
def test_connection_errors_of_a_keyed_post_are_retried(shop: ModuleType, mode: str) -> None:
    sleeps = Sleeps()
    with pytest.raises(shop.client.errors.APIConnectionError):
        _order(shop, mode, free_port_url(), {**_kwargs(shop, sleeps), "max_retries": 2})
    assert sleeps.delays == [0.5, 1.0]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("x-request-id", "req_1"),
        ("request-id", "req_2"),
        ("x-amzn-RequestId", "a-3"),
        ("cf-ray", "8f-LHR"),
    ],
)
def test_request_id_on_errors_results_and_raw_responses(
    shop: ModuleType, server: ScriptedServer, mode: str, header: str, value: str
) -> None:
    kwargs = _kwargs(shop, Sleeps())
    server.script(Reply(404, json={"error": "no such order"}, headers={header: value}))
    with pytest.raises(shop.client.errors.ApiError) as caught:
        invoke(shop, mode, server.url, "orders", "get", id_=9, client_kwargs=kwargs)
    assert caught.value.request_id == value
    assert f"[request id {value}]" in str(caught.value)
    server.script(Reply(200, json=ORDER, headers={header: value}))
    order = invoke(shop, mode, server.url, "orders", "get", id_=1, client_kwargs=kwargs)
    assert order._request_id == value
    server.script(Reply(200, json=ORDER, headers={header: value}))
    raw = invoke(shop, mode, server.url, "orders", "get", id_=1, raw=True, client_kwargs=kwargs)
    assert raw.request_id == value and raw.retry_count == 0


def test_no_request_id_is_none(shop: ModuleType, server: ScriptedServer) -> None:
    server.script(Reply(200, json=ORDER))
    order = invoke(shop, "sync", server.url, "orders", "get", id_=1, client_kwargs={"api_key": "k"})
    assert order._request_id is None
    assert order == shop.models.Order.model_validate(ORDER)  # not a field: equality unchanged
    assert "_request_id" not in order.model_dump_json()


def test_retry_after_parsing_edge_cases(shop: ModuleType) -> None:
    retry = shop.client._retry
    config = retry.RetryConfig(max_retry_after=10.0, clock=lambda: 1000.0, jitter=0.0)
    request = httpx.Request("GET", "http://x")

    def delay(headers: dict[str, str]) -> float | None:
        return config.delay(0, httpx.Response(429, headers=headers, request=request))

    assert delay({"Retry-After": "-5"}) == 0.5  # unusable: the backoff
    assert delay({"Retry-After": "nonsense"}) == 0.5
    assert delay({"Retry-After": email.utils.formatdate(500.0, usegmt=True)}) == 0.0  # past
    assert delay({"Retry-After": email.utils.formatdate(2000.0, usegmt=True)}) is None  # 1000 s
    assert delay({"retry-after-ms": "10001"}) is None
