"""Generated server stubs enforce the contract: JSON Schema validation, documented errors, 405."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.reference_support.generate import generate_package, import_server

SPECS = Path(__file__).parent / "reference_support" / "specs"


@pytest.fixture(scope="module")
def s31(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    out = generate_package(SPECS / "stubs31.yaml", tmp_path_factory.mktemp("s31"), "stubs31_api")
    return import_server(out, "stubs31_api")


@pytest.fixture(scope="module")
def s30(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    out = generate_package(SPECS / "stubs30.yaml", tmp_path_factory.mktemp("s30"), "stubs30_api")
    return import_server(out, "stubs30_api")


def _handlers31(mods: dict[str, ModuleType], seen: list[dict[str, Any]]) -> Any:
    r = mods["responses"]
    m = mods["models"]

    class Impl(mods["handlers"].Handlers):  # type: ignore[misc,name-defined]
        async def get_item(self, ctx: Any, **kw: Any) -> Any:
            seen.append(kw)
            if kw["item_id"] == 99:
                return r.GetItemNotFound(body=m.Error(message="no item 99"))
            if kw["item_id"] == 98:
                return r.PutItemOK(body=m.Item(id=1, count=1))  # not getItem's
            return r.GetItemOK(body=m.Item(id=kw["item_id"], count=len(kw["tags"] or [])))

        async def put_item(self, ctx: Any, **kw: Any) -> Any:
            seen.append(kw)
            body = kw["body"]
            if body.count == 500:
                return r.PutItemServerError(status_code=503, body="down", content_type="text/plain")
            return r.PutItemOK(body=body)

        async def delete_item(self, ctx: Any, **kw: Any) -> Any:
            return r.DeleteItemNoContent()

        async def echo(self, ctx: Any, **kw: Any) -> Any:
            body = kw["body"]
            if body == "teapot":
                return r.EchoDefault(
                    status_code=418,
                    body=b'{"error":"short and stout"}',
                    content_type="application/json",
                )
            if body == "plain":
                return r.EchoDefault(
                    status_code=502, body="upstream said no", content_type="text/plain"
                )
            return r.EchoOK(body=body or "", x_length=len(body or ""))

    return Impl()


@pytest.fixture(scope="module")
def client31(s31: dict[str, ModuleType]) -> tuple[TestClient, list[dict[str, Any]]]:
    seen: list[dict[str, Any]] = []
    app = s31["app"].create_app(_handlers31(s31, seen), validate_responses=True)
    return TestClient(app, raise_server_exceptions=False), seen


def test_json_schema_integer_semantics(client31: Any, s31: dict[str, ModuleType]) -> None:
    client, seen = client31
    bad = client.put("/items/1", json={"id": 1, "count": True})
    assert bad.status_code == 400  # the documented client error, not 422
    assert (
        s31["validation"].response_errors("putItem", 400, bad.headers["content-type"], bad.content)
        == []
    )
    assert "count" in bad.json()["message"]
    good = client.put(
        "/items/1",
        content=b'{"id": 1, "count": 840.0}',
        headers={"content-type": "application/json"},
    )
    assert good.status_code == 200, good.text
    assert good.json() == {"id": 1, "count": 840}
    assert seen[-1]["body"].count == 840 and isinstance(seen[-1]["body"].count, int)


def test_invalid_bodies_get_the_documented_client_error(client31: Any) -> None:
    client, _ = client31
    for content, ctype in (
        (b"{not json", "application/json"),
        (b'{"id": 1}', "application/json"),  # missing required
        (b'{"id": 1, "count": 2, "extra": 1}', "application/json"),  # additionalProperties
        (b'{"id": 1, "count": NaN}', "application/json"),
        (b'{"id": 1, "count": 2}', "text/plain"),  # unsupported media type
        (b"", "application/json"),  # required body missing
    ):
        response = client.put("/items/1", content=content, headers={"content-type": ctype})
        assert response.status_code == 400, (content, response.text)
        assert set(response.json()) == {"message"}


def test_parameters_follow_json_schema(client31: Any) -> None:
    client, seen = client31
    ok = client.get("/items/840.0?verbose=true&tags=a&tags=b")
    assert ok.status_code == 200, ok.text
    assert seen[-1] == {"item_id": 840, "verbose": True, "tags": ["a", "b"]}
    # No 400/422/4XX/default documented: the lowest documented 4xx that is not about
    # authentication (404, not 401) answers a malformed request.
    for url in ("/items/abc", "/items/0", "/items/1?verbose=yes"):
        response = client.get(url)
        assert response.status_code == 404, (url, response.text)
        assert set(response.json()) == {"message"}


def test_422_when_documented_and_text_bodies(client31: Any, s31: dict[str, ModuleType]) -> None:
    client, _ = client31
    ok = client.post("/echo", content="hello", headers={"content-type": "text/plain"})
    assert ok.status_code == 200 and ok.text == "hello" and ok.headers["x-length"] == "5"
    long = client.post("/echo", content="x" * 11, headers={"content-type": "text/plain"})
    assert long.status_code == 422
    assert (
        s31["validation"].response_errors("echo", 422, long.headers["content-type"], long.content)
        == []
    )


def test_default_and_range_responses_pass_through_verbatim(client31: Any) -> None:
    client, _ = client31
    teapot = client.post("/echo", content="teapot", headers={"content-type": "text/plain"})
    assert teapot.status_code == 418
    assert teapot.headers["content-type"] == "application/json"
    assert teapot.content == b'{"error":"short and stout"}'
    plain = client.post("/echo", content="plain", headers={"content-type": "text/plain"})
    assert (plain.status_code, plain.text) == (502, "upstream said no")
    assert plain.headers["content-type"].startswith("text/plain")
    down = client.put("/items/1", json={"id": 1, "count": 500})
    assert (down.status_code, down.text) == (503, "down")


def test_method_not_allowed_lists_every_method_of_the_path(client31: Any) -> None:
    client, _ = client31
    for method in ("PATCH", "POST", "HEAD", "OPTIONS"):
        response = client.request(method, "/items/1")
        assert response.status_code == 405, method
        assert response.headers["allow"] == "GET, PUT, DELETE"
    assert client.delete("/items/1").status_code == 204
    assert client.get("/echo").headers["allow"] == "POST"


def test_a_response_outside_the_closed_set_is_refused(client31: Any) -> None:
    client, _ = client31
    refused = client.get("/items/98")  # a ContractViolation, answered by the last resort
    assert refused.status_code == 503  # the operation documents no 5xx: the stubs' 503 JSON
    assert refused.headers["content-type"] == "application/json"
    assert refused.json()["error"].startswith("internal error (request id ")
    assert client.get("/items/99").status_code == 404


def test_handler_interface_is_abstract_and_typed(s31: dict[str, ModuleType]) -> None:
    handlers = s31["handlers"].Handlers
    assert handlers.__abstractmethods__ == {"get_item", "put_item", "delete_item", "echo"}
    with pytest.raises(TypeError):
        handlers()
    r = s31["responses"]
    assert r.GetItemOK.status_code == 200 and r.GetItemOK.MEDIA_TYPE == "application/json"
    assert set(r.GetItemResult.__args__) == {r.GetItemOK, r.GetItemUnauthorized, r.GetItemNotFound}


def test_openapi_30_nullable_and_exclusive_bounds(s30: dict[str, ModuleType]) -> None:
    r = s30["responses"]

    class Impl(s30["handlers"].Handlers):  # type: ignore[misc,name-defined]
        async def create_thing(self, ctx: Any, **kw: Any) -> Any:
            return r.CreateThingCreated(
                body=s30["models"].CreateThingCreatedBody(name=kw["body"].name)
            )

    client = TestClient(s30["app"].create_app(Impl(), validate_responses=True))
    assert client.post("/things", json={"name": None, "size": 1}).json() == {"name": None}
    for bad in ({"name": "a", "size": 0}, {"name": 1, "size": 1}, {"name": "a", "size": True}):
        response = client.post("/things", json=bad)
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == "application/problem+json"
        assert {"title", "detail"} <= set(response.json())


def _raising(mods: dict[str, ModuleType], hook: bool) -> Any:
    r = mods["responses"]
    m = mods["models"]

    class Impl(mods["handlers"].Handlers):  # type: ignore[misc,name-defined]
        async def get_item(self, ctx: Any, **kw: Any) -> Any:
            raise RuntimeError("boom in get_item")

        async def put_item(self, ctx: Any, **kw: Any) -> Any:
            raise RecursionError("deep")

        async def delete_item(self, ctx: Any, **kw: Any) -> Any:
            return r.DeleteItemNoContent()

        async def echo(self, ctx: Any, **kw: Any) -> Any:
            raise KeyError("echo")

        async def on_unhandled_error(self, ctx: Any, error: Exception) -> Any:
            if hook and ctx.operation_id == "getItem":
                return r.GetItemNotFound(body=m.Error(message=f"hooked {type(error).__name__}"))
            return None

    return Impl()


def test_the_last_resort_answers_json_and_keeps_the_connection(
    s31: dict[str, ModuleType], caplog: pytest.LogCaptureFixture
) -> None:
    app = s31["app"].create_app(_raising(s31, hook=False))
    with TestClient(app, raise_server_exceptions=True) as client:  # nothing may escape
        got = client.get("/items/5", headers={"x-request-id": "abc-1"})
        # getItem documents no 5xx: the stubs' 503 JSON, with the request id
        assert (got.status_code, got.headers["content-type"]) == (503, "application/json")
        assert got.json() == {"error": "internal error (request id abc-1)"}
        assert got.headers["x-request-id"] == "abc-1"
        # putItem documents 5XX as text/plain only: never text/plain, so the 503 JSON again
        put = client.put("/items/1", json={"id": 1, "count": 1})
        assert (put.status_code, put.headers["content-type"]) == (503, "application/json")
        # echo documents a JSON `default`: a documented 500 with a body valid against it
        echo = client.post("/echo", content="hi", headers={"content-type": "text/plain"})
        assert echo.status_code == 500 and echo.json()["code"] == "internal_error"
        assert len(echo.headers["x-request-id"]) == 32  # a fresh id for a request without one
    lines = [r.getMessage() for r in caplog.records if "unhandled" in r.getMessage()]
    assert lines[0] == "unhandled RuntimeError in getItem (request id abc-1): boom in get_item"
    assert len(lines) == 3 and not any(r.exc_info for r in caplog.records)
    hooked = TestClient(s31["app"].create_app(_raising(s31, hook=True))).get("/items/5")
    assert hooked.status_code == 404 and hooked.json()["message"] == "hooked RuntimeError"


def test_body_size_and_json_depth_limits(s31: dict[str, ModuleType]) -> None:
    seen: list[dict[str, Any]] = []
    app = s31["app"].create_app(_handlers31(s31, seen), max_body_bytes=64, max_json_depth=3)
    client = TestClient(app)
    ok = client.put("/items/1", json={"id": 1, "count": 2})
    assert ok.status_code == 200
    big = client.put("/items/1", json={"id": 1, "count": 2, "pad": "x" * 100})
    assert big.status_code == 400 and "exceeds 64 bytes" in big.json()["message"]
    deep = client.put(
        "/items/1", content=b'{"id":[[[[1]]]]}', headers={"content-type": "application/json"}
    )
    assert deep.status_code == 400 and "deeper than 3 levels" in deep.json()["message"]
    # brackets inside strings are not nesting
    text = client.put(
        "/items/1",
        content=b'{"id":1,"count":1,"n":"[[[[["}',
        headers={"content-type": "application/json"},
    )
    assert (
        text.status_code == 400 and "additional" in text.text.lower()
    )  # refused by the schema, not the depth
    # echo documents 422 as its client error
    long = client.post("/echo", content="x" * 100, headers={"content-type": "text/plain"})
    assert long.status_code == 422
