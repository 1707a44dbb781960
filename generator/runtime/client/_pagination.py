"""Auto-paging iterators (part of the SDK runtime): `SyncPager[Item, Page]`, `AsyncPager`.

A list operation the generator found to be paginated (or an overlay's `x-pagination` stated)
returns a pager holding its first page, fetched by the call (so the call raises what it
raises): `for item in pager` walks every item of every page, fetching each next page as it is
needed; `pager.pages()` gives the pages (typed responses, the first one included);
`pager.first_page` is the first page's typed response. The async pager is the same with
`async for`. How the next page is asked for (`PageSpec.style`):

- `cursor`: the cursor parameter set to the response's next-cursor field (or the last item's
  `id`-like field); ends at an empty cursor, `has_more: false` or an empty page;
- `offset`: the offset parameter advanced by the items received; ends at an empty page or the
  documented total (not at a short page: servers cap their page size);
- `page`: the page parameter advanced by one; ends likewise (or at the total pages);
- `next_url`: the URL in the response's next-page field; `link`: the `Link: <...>; rel="next"`
  header. A next URL on another host than the client's base URL raises `PaginationError`
  (the client's credentials are never sent there); on the same host each page carries the
  client's credentials as the first did (an API key the URL repeats in its query is sent once).

A server that ignores the paging parameters would repeat its page forever: a page whose body
equals the previous one ends the iteration, as does a next request equal to the current one.

Every page is asked for through the client, with its credentials, retries and response
validation mode: with a lenient client (`response_validation="lenient"`) a page or an item that
does not match its schema is built without validation, its errors on it
(`validation_errors(page)`, `validation_errors(item)`), and `pager.validation_errors` collects
them for the pages read so far. Each page carries its request id (`page._request_id` on a model);
`pager.request_id` is the first page's (the call's).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qsl, urljoin, urlsplit

from . import _errors, _lenient

if TYPE_CHECKING:
    from pydantic import TypeAdapter

    from ._raw import RawResponse
    from ._transport import OperationSpec

ItemT = TypeVar("ItemT")
PageT = TypeVar("PageT")
Path = tuple[str, ...]
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


class PaginationError(_errors.SdkError):
    """A next page that cannot be asked for (its URL is on another host)."""


class PageSpec:
    """How one operation pages (decided by the generator; see the module docstring)."""

    def __init__(
        self,
        *,
        style: str,
        items: Path,
        item_type: Any,
        cursor_param: str | None = None,
        next_cursor: Path = (),
        cursor_from_item: str | None = None,
        has_more: Path = (),
        offset_param: str | None = None,
        page_param: str | None = None,
        size_param: str | None = None,
        first_page: int = 1,
        total: Path = (),
        next_url: Path = (),
    ) -> None:
        self.style = style
        self.items = items
        self.item_type = item_type
        self.cursor_param = cursor_param
        self.next_cursor = next_cursor
        self.cursor_from_item = cursor_from_item
        self.has_more = has_more
        self.offset_param = offset_param
        self.page_param = page_param
        self.size_param = size_param
        self.first_page = first_page
        self.total = total
        self.next_url = next_url
        self._adapter: TypeAdapter[Any] | None = None

    def item(self, value: Any, report: list[dict[str, Any]] | None = None) -> Any:
        """An item as `item_type`: itself when it already is (a component model), else
        validated from its data (an inline item schema's nested class becomes the item model).

        `report` (a lenient client's): an item that does not validate is built without
        validation instead, its errors on it and added to `report`."""
        kind = self.item_type
        if kind is Any:
            return value
        if isinstance(kind, type):
            try:
                if isinstance(value, kind):
                    return value
            except TypeError:
                pass
        if self._adapter is None:
            from pydantic import TypeAdapter

            self._adapter = TypeAdapter(kind)
        if report is None:
            return self._adapter.validate_python(_data(value))
        from pydantic import ValidationError

        data = _data(value)
        try:
            return self._adapter.validate_python(data)
        except ValidationError as exc:
            errors: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
        built = _lenient.build(kind, data)
        _lenient.attach(built, errors)
        report.extend(errors)
        return built


def _data(value: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_unset=True)
    return value


def field(value: Any, name: str) -> Any:
    """A body's field by its name in the document (a model attribute, its alias or an extra)."""
    from pydantic import BaseModel, RootModel

    if isinstance(value, RootModel):
        value = value.root
    if isinstance(value, Mapping):
        return value.get(name)
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        for attribute, info in fields.items():
            if info.alias == name or info.validation_alias == name:
                return getattr(value, attribute)
        if name in fields:
            return getattr(value, name)
        return (value.model_extra or {}).get(name)
    return None


def at(value: Any, path: Path) -> Any:
    for name in path:
        if value is None:
            return None
        value = field(value, name)
    return value


@dataclasses.dataclass
class _Request:
    client: Any
    op: OperationSpec
    params: dict[str, Any]
    options: dict[str, Any]

    def same(self, other: _Request) -> bool:
        return (
            self.op.path == other.op.path
            and self.params == other.params
            and self.options.get("extra_query") == other.options.get("extra_query")
        )


class _Walk:
    """One page read: its raw response, typed body and items, and the request that got it."""

    def __init__(self, spec: PageSpec, request: _Request, raw: RawResponse[Any]) -> None:
        from ._transport import with_request_id

        self.spec = spec
        self.request = request
        self.raw = raw
        # Raises what the call raises; a lenient client's errors land in raw.validation_errors.
        self.page = with_request_id(raw.parse(), raw.http_response)
        found = at(self.page, spec.items) if spec.items else self.page
        from pydantic import RootModel

        if isinstance(found, RootModel):
            found = found.root
        report = raw.validation_errors if request.client.response_validation == "lenient" else None
        self.items: list[Any] = (
            [spec.item(v, report) for v in found] if isinstance(found, list) else []
        )

    def next(self) -> _Request | None:
        spec, request, page, items = self.spec, self.request, self.page, self.items
        if spec.has_more and at(page, spec.has_more) is False:
            return None
        params = dict(request.params)
        if spec.style == "cursor" and spec.cursor_param:
            if spec.cursor_from_item:
                cursor = field(items[-1], spec.cursor_from_item) if items else None
            else:
                cursor = at(page, spec.next_cursor)
            if cursor in (None, "") or (not items and not spec.next_cursor):
                return None
            params[spec.cursor_param] = cursor
        elif spec.style in ("offset", "page"):
            # An empty page ends it, or the documented total; never a page shorter than the size
            # asked for (servers cap their page size: the rest would be lost).
            if not items:
                return None
            if spec.style == "offset" and spec.offset_param:
                offset = _int(params.get(spec.offset_param), 0) + len(items)
                total = at(page, spec.total) if spec.total else None
                if isinstance(total, int) and offset >= total:
                    return None
                params[spec.offset_param] = offset
            elif spec.page_param:
                number = _int(params.get(spec.page_param), spec.first_page)
                pages = at(page, spec.total) if spec.total else None
                if isinstance(pages, int) and number >= pages:
                    return None
                params[spec.page_param] = number + 1
        elif spec.style in ("next_url", "link"):
            url = at(page, spec.next_url) if spec.style == "next_url" else _link_next(self.raw)
            if not isinstance(url, str) or not url:
                return None
            return _follow(request, str(self.raw.http_response.request.url), url)
        else:
            return None
        following = dataclasses.replace(request, params=params)
        return None if following.same(request) else following


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _link_next(raw: RawResponse[Any]) -> str | None:
    for header in raw.headers.get_list("link"):
        for target, attributes in _LINK.findall(header):
            for quoted, bare in _REL.findall(attributes):
                if "next" in (quoted or bare).lower().split():
                    return str(target)
    return None


def _follow(request: _Request, current: str, url: str) -> _Request:
    """The request for a next-page URL: same origin as the client, its path and query as given."""
    target = urlsplit(urljoin(current, url))
    base = urlsplit(request.client.base_url)
    if (target.scheme, target.netloc) != (base.scheme, base.netloc):
        raise PaginationError(
            f"{request.op.name}: the next page is on another host ({target.scheme}://{target.netloc}) "
            f"than the client's base URL; not followed, so the client's credentials stay with {base.netloc}"
        )
    client = request.client
    prefix = base.path.rstrip("/")
    path = target.path
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :]
    elif prefix:
        client = client._copy_with({"base_url": f"{base.scheme}://{base.netloc}"})
    query: dict[str, Any] = {}
    # An API key the client sends in the query is added by the client, not repeated from the URL.
    own = client._auth.query_names(client._auth.choose(request.op.security))
    for key, value in parse_qsl(target.query, keep_blank_values=True):
        if key in own:
            continue
        if key in query:
            held = query[key]
            query[key] = [*held, value] if isinstance(held, list) else [held, value]
        else:
            query[key] = value
    # The URL carries the whole query: the operation's own query parameters are not added again.
    op = dataclasses.replace(
        request.op,
        path=path.replace("{", "%7B").replace("}", "%7D"),
        params=tuple(p for p in request.op.params if p.location in ("header", "cookie")),
    )
    options = {**request.options, "extra_query": query}
    return _Request(client, op, dict(request.params), options)


class SyncPager(Generic[ItemT, PageT]):
    """Every item of every page (`for item in pager`); `.pages()`; `.first_page`."""

    def __init__(
        self,
        client: Any,
        spec: PageSpec,
        op: OperationSpec,
        params: Mapping[str, Any],
        **options: Any,
    ) -> None:
        self._spec = spec
        self._first = self._fetch(_Request(client, op, dict(params), dict(options)))
        self._read = [self._first]

    @staticmethod
    def _fetch_raw(request: _Request) -> RawResponse[Any]:
        raw: RawResponse[Any] = request.client.request_raw(
            request.op, request.params, **request.options
        )
        return raw

    def _fetch(self, request: _Request) -> _Walk:
        return _Walk(self._spec, request, self._fetch_raw(request))

    @property
    def first_page(self) -> PageT:
        """The first page's typed response (what the call returns without paging)."""
        page: PageT = self._first.page
        return page

    @property
    def request_id(self) -> str | None:
        """The server's id of the first page's request (each page model has its own)."""
        return self._first.raw.request_id

    @property
    def validation_errors(self) -> list[dict[str, Any]]:
        """A lenient client's: what did not validate in the pages read so far ([] when all did)."""
        return [e for walk in self._read for e in walk.raw.validation_errors]

    def _walks(self) -> Iterator[_Walk]:
        walk = self._first
        while True:
            yield walk
            following = walk.next()
            if following is None:
                return
            after = self._fetch(following)
            if after.raw.content == walk.raw.content:
                return  # the server ignored the paging parameters: the same page again
            self._read.append(after)
            walk = after

    def pages(self) -> Iterator[PageT]:
        """Each page's typed response, the first one included."""
        for walk in self._walks():
            yield walk.page

    def __iter__(self) -> Iterator[ItemT]:
        for walk in self._walks():
            yield from walk.items

    def __repr__(self) -> str:
        return (
            f"<SyncPager {self._first.request.op.name} first page: {len(self._first.items)} items>"
        )


class AsyncPager(Generic[ItemT, PageT]):
    """`async for item in pager`; `async for page in pager.pages()`; `.first_page`."""

    def __init__(self, spec: PageSpec, first: _Walk) -> None:
        self._spec = spec
        self._first = first
        self._read = [first]

    @classmethod
    async def create(
        cls,
        client: Any,
        spec: PageSpec,
        op: OperationSpec,
        params: Mapping[str, Any],
        **options: Any,
    ) -> AsyncPager[Any, Any]:
        """The pager with its first page fetched (the call raises what it raises)."""
        request = _Request(client, op, dict(params), dict(options))
        return cls(spec, await cls._fetch(spec, request))

    @staticmethod
    async def _fetch(spec: PageSpec, request: _Request) -> _Walk:
        raw: RawResponse[Any] = await request.client.request_raw(
            request.op, request.params, **request.options
        )
        return _Walk(spec, request, raw)

    @property
    def first_page(self) -> PageT:
        page: PageT = self._first.page
        return page

    @property
    def request_id(self) -> str | None:
        """The server's id of the first page's request (each page model has its own)."""
        return self._first.raw.request_id

    @property
    def validation_errors(self) -> list[dict[str, Any]]:
        """A lenient client's: what did not validate in the pages read so far ([] when all did)."""
        return [e for walk in self._read for e in walk.raw.validation_errors]

    async def _walks(self) -> AsyncIterator[_Walk]:
        walk = self._first
        while True:
            yield walk
            following = walk.next()
            if following is None:
                return
            after = await self._fetch(self._spec, following)
            if after.raw.content == walk.raw.content:
                return
            self._read.append(after)
            walk = after

    async def pages(self) -> AsyncIterator[PageT]:
        async for walk in self._walks():
            yield walk.page

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        async for walk in self._walks():
            for item in walk.items:
                yield item

    def __repr__(self) -> str:
        return (
            f"<AsyncPager {self._first.request.op.name} first page: {len(self._first.items)} items>"
        )
