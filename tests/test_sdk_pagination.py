"""Auto-paging iterators through the generated SDK, one per pagination style, sync and async.

Every list route of tests/stream_support/app.py serves the same five rows two at a time, each in
its own style; the tests count the requests the server received and the query each carried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from stream_support import stream_sdk
from stream_support.app import StreamServer


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return stream_sdk(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def server() -> Iterator[StreamServer]:
    s = StreamServer()
    yield s
    s.close()


@pytest.fixture
def state(server: StreamServer) -> Any:
    server.state.reset()
    return server.state


@pytest.fixture
def c(sdk: ModuleType, server: StreamServer) -> Iterator[Any]:
    with sdk.client.Client(server.url, api_key="k") as client:
        yield client


def queries(state: Any, path: str) -> list[dict[str, str]]:
    return [r["query"] for r in state.requests if r["path"] == path]


def test_cursor_field(c: Any, sdk: ModuleType, state: Any) -> None:
    pager = c.incidents.list(limit=2)
    assert isinstance(pager, sdk.client.SyncPager)
    # The first page was fetched by the call, the rest only as the items are read.
    assert len(state.requests) == 1
    assert pager.first_page.meta.next_cursor == "2"
    items = list(pager)
    assert [i.id for i in items] == ["1", "2", "3", "4", "5"]
    assert all(isinstance(i, sdk.models.Incident) for i in items)
    assert queries(state, "incidents") == [
        {"limit": "2"},
        {"limit": "2", "cursor": "2"},
        {"limit": "2", "cursor": "4"},
    ]


def test_cursor_from_the_last_item_with_has_more(c: Any, state: Any) -> None:
    pager = c.models.list()
    assert [m.id for m in pager] == ["m1", "m2", "m3", "m4", "m5"]
    assert [q.get("after") for q in queries(state, "models")] == [None, "m2", "m4"]


def test_offset_limit_with_total(c: Any, sdk: ModuleType, state: Any) -> None:
    pager = c.users.list(limit=2)
    names = [u.name for u in pager]
    assert names == [f"row {i}" for i in range(1, 6)]
    # Inline item schemas: each item is the item model, not the page's nested class.
    assert all(isinstance(u, sdk.models.ListUsersOKItem) for u in pager)
    assert [q.get("offset") for q in queries(state, "users")][:3] == [None, "2", "4"]


def test_a_page_shorter_than_asked_for_does_not_end_the_walk(c: Any, state: Any) -> None:
    # limit=10, but the server caps its pages at 3: the short first page is not the last.
    assert len(list(c.users.list(limit=10))) == 5
    assert [q.get("offset") for q in queries(state, "users")] == [None, "3"]


def test_page_numbers_and_pages(c: Any, state: Any) -> None:
    pages = list(c.projects.list(per_page=2).pages())
    assert [[p.id for p in page.items] for page in pages] == [[1, 2], [3, 4], [5]]
    assert [q.get("page") for q in queries(state, "projects")] == [None, "2", "3"]


def test_next_url_field(c: Any, state: Any) -> None:
    assert [t.id for t in c.tickets.list()] == [1, 2, 3, 4, 5]
    assert [q.get("from") for q in queries(state, "tickets")] == [None, "2", "4"]


def test_link_header_relative_with_other_rels(c: Any, state: Any) -> None:
    pager = c.repos.list(per_page=2)
    assert isinstance(pager.first_page, list)
    assert [r.id for r in pager] == [1, 2, 3, 4, 5]
    assert [q.get("page") for q in queries(state, "repos")] == [None, "2", "3"]


def test_stated_by_x_pagination_on_a_post(c: Any, state: Any) -> None:
    assert list(c.search.search(q="x")) == ["a", "b", "c"]
    sent = [r for r in state.requests if r["path"] == "search"]
    assert [r["query"].get("token") for r in sent] == [None, "t2"]
    assert all(r["body"] == {"q": "x"} for r in sent)  # the body is sent with every page


def test_refused_by_x_pagination_returns_the_body(c: Any, sdk: ModuleType) -> None:
    page = c.audit.list(offset=0)
    assert isinstance(page, sdk.models.ListAuditOKBody) and page.entries == ["x"]


def test_a_server_ignoring_the_cursor_does_not_loop_forever(c: Any, state: Any) -> None:
    items = list(c.incidents.list(extra_headers={"x-stuck": "1"}))
    assert [i.id for i in items] == ["s"]
    assert len(queries(state, "incidents")) == 2  # the repeated page ended it


def test_a_next_url_on_another_host_is_refused(c: Any, sdk: ModuleType, state: Any) -> None:
    pager = c.tickets.list(extra_query={"host": "http://elsewhere.example"})
    with pytest.raises(sdk.client.errors.PaginationError, match="another host"):
        list(pager)
    assert len(queries(state, "tickets")) == 1


def test_errors_raise_at_the_call(sdk: ModuleType, server: StreamServer) -> None:
    with (
        sdk.client.Client(server.url + "/nowhere") as client,
        pytest.raises(sdk.client.errors.ApiError),
    ):
        client.incidents.list()


def test_async_pagers(sdk: ModuleType, server: StreamServer, state: Any) -> None:
    async def run() -> tuple[list[str], list[int], list[int]]:
        async with sdk.client.AsyncClient(server.url, api_key="k") as ac:
            pager = await ac.incidents.list(limit=2)
            assert isinstance(pager, sdk.client.AsyncPager)
            assert pager.first_page.meta.next_cursor == "2"
            ids = [i.id async for i in pager]
            pages = [len(p) async for p in (await ac.repos.list(per_page=2)).pages()]
            tickets = [t.id async for t in await ac.tickets.list()]
            return ids, pages, tickets

    ids, pages, tickets = asyncio.run(run())
    assert ids == ["1", "2", "3", "4", "5"] and pages == [2, 2, 1] and tickets == [1, 2, 3, 4, 5]


def test_raw_response_is_still_the_first_page(c: Any, sdk: ModuleType) -> None:
    raw = c.incidents.with_raw_response.list(limit=2)
    page = raw.parse()
    assert isinstance(page, sdk.models.ListIncidentsOKBody) and len(page.data) == 2
