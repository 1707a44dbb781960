"""Response validation mode (issue 20): strict raises, lenient returns the data built without
validation with the errors on the result, per client and per call; nothing is ever lost."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from client_support.calls import MODES, invoke
from client_support.generated import shop_sdk
from client_support.server import Reply, ScriptedServer

GOOD = {"id": 1, "item": "tea", "quantity": 2, "created": "2026-01-02T03:04:05Z"}
# A vendor's answer: a null where the schema says integer, a nested field of the wrong type,
# and a property the schema does not know.
BAD = {**GOOD, "quantity": None, "customer": {"name": 5, "since": "x"}, "vip": True}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return shop_sdk(tmp_path_factory.getbasetemp())[1]


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()


def _get(shop: ModuleType, server: ScriptedServer, mode: str, **client: Any) -> Any:
    return invoke(
        shop, mode, server.url, "orders", "get", id_=1,
        client_kwargs={"api_key": "k", "max_retries": 0, **client},
    )  # fmt: skip


@pytest.mark.parametrize("mode", MODES)
def test_strict_raises_and_keeps_the_text(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(200, json=BAD))
    with pytest.raises(shop.client.errors.InvalidResponseError) as caught:
        _get(shop, server, mode)
    assert "quantity" in str(caught.value) and '"vip": true' in caught.value.text


@pytest.mark.parametrize("mode", MODES)
def test_lenient_returns_the_built_model_with_its_errors(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(200, json=BAD))
    order = _get(shop, server, mode, response_validation="lenient")
    assert isinstance(order, shop.models.Order)
    assert (order.id, order.item, order.quantity) == (1, "tea", None)
    # Nested objects are models too, built the same way.
    assert type(order.customer).__name__ != "dict" and order.customer.name == 5
    assert order.model_extra == {"vip": True}  # unknown properties kept as extras
    locs = {tuple(e["loc"]) for e in shop.client.validation_errors(order)}
    assert ("quantity",) in locs and ("customer", "name") in locs
    assert order._validation_errors == shop.client.validation_errors(order)
    # A valid answer has no errors.
    server.script(Reply(200, json=GOOD))
    assert (
        shop.client.validation_errors(_get(shop, server, mode, response_validation="lenient")) == []
    )


@pytest.mark.parametrize("mode", MODES)
def test_lenient_lists_and_raw_responses(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(200, json=[GOOD, BAD]))
    orders = invoke(
        shop, mode, server.url, "orders", "list", status=shop.models.ListOrdersStatus.OPEN,
        client_kwargs={"api_key": "k", "response_validation": "lenient"},
    )  # fmt: skip
    assert [type(o).__name__ for o in orders] == ["Order", "Order"]
    assert shop.client.validation_errors(orders[0]) == []
    locs = {tuple(e["loc"]) for e in shop.client.validation_errors(orders)}
    assert (1, "quantity") in locs and (1, "customer", "name") in locs
    server.script(Reply(200, json=BAD))
    raw = invoke(
        shop, mode, server.url, "orders", "get", id_=1, raw=True,
        client_kwargs={"api_key": "k", "response_validation": "lenient"},
    )  # fmt: skip
    assert raw.validation_errors == [] and raw.parse().quantity is None
    assert {tuple(e["loc"]) for e in raw.validation_errors} >= {("quantity",)}


def test_per_call_with_options_and_bad_settings(shop: ModuleType, server: ScriptedServer) -> None:
    with shop.client.Client(server.url, api_key="k", max_retries=0) as client:
        server.script(Reply(200, json=BAD))
        assert client.with_options(response_validation="lenient").orders.get(1).item == "tea"
        server.script(Reply(200, json=BAD))
        with pytest.raises(shop.client.errors.InvalidResponseError):
            client.orders.get(1)  # the client itself stays strict
    with pytest.raises(shop.client.errors.ConfigurationError, match="lenient"):
        shop.client.Client(server.url, response_validation="loose")


@pytest.mark.parametrize("mode", MODES)
def test_lenient_never_guesses_a_body_that_is_not_json(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(200, "<html>maintenance</html>", "text/html"))
    with pytest.raises(shop.client.errors.InvalidResponseError) as caught:
        _get(shop, server, mode, response_validation="lenient")
    assert caught.value.text == "<html>maintenance</html>"
    server.script(Reply(200, "{not json", "application/json"))
    with pytest.raises(shop.client.errors.InvalidResponseError) as caught:
        _get(shop, server, mode, response_validation="lenient")
    assert caught.value.text == "{not json"
