"""Required keywords are required (issue 20): a required body property or parameter left out
fails mypy with exactly one error and raises before anything is sent; the whole-body form
(`<method>_from_body(body=...)`) does not ask for the fields twice."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from client_support.calls import MODES, invoke
from client_support.generated import shop_sdk
from client_support.server import Reply, ScriptedServer
from conftest import ROOT

ORDER = {"id": 1, "item": "tea", "quantity": 2, "created": "2026-01-02T03:04:05Z"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shop_sdk(tmp_path_factory.getbasetemp())[0]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return shop_sdk(tmp_path_factory.getbasetemp())[1]


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer()
    yield s
    s.close()


CLIENT: dict[str, Any] = {"api_key": "k", "max_retries": 0}


@pytest.mark.parametrize("mode", MODES)
def test_a_missing_required_field_raises_before_sending(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(201, json=ORDER))
    with pytest.raises(TypeError, match="quantity"):
        # What mypy refuses, done anyway (through Any): nothing reaches the server.
        invoke(shop, mode, server.url, "orders", "create", item="tea", client_kwargs=CLIENT)
    not_given = shop.client._transport.NOT_GIVEN
    with pytest.raises(shop.client.errors.RequestBuildError, match="quantity"):
        invoke(
            shop, mode, server.url, "orders", "create",
            item="tea", quantity=not_given, client_kwargs=CLIENT,
        )  # fmt: skip
    assert server.requests == []
    with pytest.raises(TypeError, match="status"):
        invoke(shop, mode, server.url, "orders", "list", client_kwargs=CLIENT)
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
def test_keyword_and_whole_body_forms_send_the_same_body(
    shop: ModuleType, server: ScriptedServer, mode: str
) -> None:
    server.script(Reply(201, json=ORDER))
    invoke(shop, mode, server.url, "orders", "create", item="tea", quantity=2, client_kwargs=CLIENT)
    assert server.requests[0].json() == {"item": "tea", "quantity": 2}
    server.script(Reply(201, json=ORDER))
    model = shop.models.CreateOrderRequest(item="tea", quantity=2)
    invoke(shop, mode, server.url, "orders", "create_from_body", body=model, client_kwargs=CLIENT)
    assert server.requests[0].json() == {"item": "tea", "quantity": 2}
    # Keyword fields are laid over the whole body.
    server.script(Reply(201, json=ORDER))
    invoke(
        shop, mode, server.url, "orders", "create_from_body",
        body={"item": "tea", "quantity": 2}, quantity=5, note="x", client_kwargs=CLIENT,
    )  # fmt: skip
    assert server.requests[0].json() == {"item": "tea", "quantity": 5, "note": "x"}
    assert server.requests[0].headers["content-type"] == "application/json"


PROGRAM = """\
from shop_api.client import Client
from shop_api.models import CreateOrderRequest, ListOrdersStatus, Order


def good(client: Client) -> list[Order]:
    created = client.orders.create(item="tea", quantity=2)
    whole = client.orders.create_from_body(body=CreateOrderRequest(item="tea", quantity=2))
    mapping = client.orders.create_from_body(body={"item": "tea", "quantity": 2}, note="n")
    return [created, whole, mapping, *client.orders.list(status=ListOrdersStatus.OPEN, limit=5)]


def bad(client: Client) -> None:
    client.orders.create(item="tea")  # error
    client.orders.create(item="tea", quantity=2, notes="n")  # error
    client.orders.create(item="tea", quantity="two")  # error
    client.orders.create_from_body()  # error
    client.orders.list()  # error
    client.orders.list(status="pending")  # error
"""


def test_mypy_reports_exactly_one_error_per_mistake(out: Path, shop: ModuleType) -> None:
    program = out / "use_required.py"
    program.write_text(PROGRAM)
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "mypy"), "--strict", "--no-error-summary", program.name],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = PROGRAM.splitlines()
    marked = [n for n, line in enumerate(lines, 1) if line.endswith("# error")]
    reported = [int(m) for m in re.findall(r"^use_required\.py:(\d+): error:", done.stdout, re.M)]
    assert sorted(reported) == marked, done.stdout
    assert 'Missing named argument "quantity"' in done.stdout, done.stdout
