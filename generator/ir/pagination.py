"""How a list operation pages: detected from its parameters and response, or stated by an overlay.

A paginated operation's client method returns an auto-paging iterator (`SyncPager[Item, Page]`:
`for item in client.incidents.list()`, `.pages()`, `.first_page`). Decided here, once:

- **Items.** The first JSON success response's schema is an array (the body is the page's
  items) or an object with an array property: one named like a list (`data`, `items`,
  `results`, ...) or its only array property.
- **Style**, the first that fits:
  - `next_url`: a string field of the response naming the next page's URL (`next`, `next_url`,
    `nextLink`, `links.next`, `_links.next.href`, `@odata.nextLink`, ...);
  - `cursor`: a cursor query parameter (`cursor`, `after`, `page_token`, `marker`, ...) and a
    next-cursor field (`next_cursor`, `nextPageToken`, `meta.next_cursor`, `last_id`, ...), or
    `after`/`starting_after` with a `has_more` flag and items with an `id` (the OpenAI style:
    the next cursor is the last item's `id`);
  - `link`: the response documents a `Link` header (RFC 8288 `rel="next"`);
  - `offset`: an `offset`/`skip`/`start` query parameter (with `limit`-like size, a `total`
    field when documented);
  - `page`: a `page` query parameter (with `per_page`/`page_size`-like size; `total_pages`
    and `has_more` fields when documented).
- **Overlay.** `x-pagination` on the operation states it (`{style: cursor, items: data,
  cursorParam: after, nextCursor: meta.next}`; keys not given are detected for that style) or
  refuses it (`x-pagination: false`). A stated parameter or field that does not exist is a
  located error.

Only GET operations are detected; `x-pagination` may state any method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import Location, Problem, SpecError, join_pointer
from generator.ir.model import Operation, Parameter, Response, TypeExpr

STYLES = ("cursor", "offset", "page", "next_url", "link")
_ITEM_NAMES = (
    "data", "items", "results", "records", "entries", "values", "elements", "content",
    "list", "nodes", "objects", "rows", "hits", "members", "resources", "edges",
)  # fmt: skip
_CURSOR_PARAMS = (
    "cursor", "after", "starting_after", "page_token", "pagetoken", "next_token", "nexttoken",
    "continuation_token", "continuationtoken", "continuation", "marker", "next_cursor",
    "start_cursor", "starting_token", "page_cursor", "pagecursor", "next", "skip_token",
    "skiptoken", "$skiptoken",
)  # fmt: skip
_CURSOR_FIELDS = (
    "next_cursor", "nextcursor", "next_page_token", "nextpagetoken", "next_token", "nexttoken",
    "continuation_token", "continuationtoken", "next_marker", "nextmarker", "end_cursor",
    "endcursor", "next_page_cursor", "cursor", "last_id", "after", "marker", "next",
)  # fmt: skip
_CURSOR_PARENTS = (
    "", "meta", "pagination", "paging", "page_info", "pageinfo", "response_metadata", "cursor",
    "links", "page", "metadata",
)  # fmt: skip
_NEXT_URL_FIELDS = (
    "next_url", "nexturl", "next_page_url", "nextpageurl", "next_link", "nextlink",
    "@odata.nextlink", "next_page", "nextpage", "next",
)  # fmt: skip
_NEXT_URL_PARENTS = ("", "links", "_links", "pagination", "paging", "meta", "page")
_HAS_MORE = ("has_more", "hasmore", "has_next", "hasnext", "has_next_page", "hasnextpage", "more")
_OFFSET_PARAMS = ("offset", "skip", "start", "start_index", "startindex", "$skip")
_PAGE_PARAMS = ("page", "page_number", "pagenumber", "pageno", "page_no", "page_num", "pagenum")
_SIZE_PARAMS = (
    "limit", "per_page", "perpage", "page_size", "pagesize", "size", "count", "max_results",
    "maxresults", "max", "take", "top", "$top", "page_limit", "pagelimit", "rows",
)  # fmt: skip
_TOTAL_FIELDS = (
    "total", "total_count", "totalcount", "total_results", "totalresults", "total_items",
    "totalitems", "count", "total_size", "totalsize",
)  # fmt: skip
_TOTAL_PAGES = ("total_pages", "totalpages", "page_count", "pagecount", "pages", "last_page")
_TOTAL_PARENTS = ("", "meta", "pagination", "paging", "page_info", "pageinfo", "page")

Path_ = tuple[str, ...]


@dataclass(frozen=True)
class Pagination:
    style: str  # one of STYLES
    items: Path_  # where the items array is in the body; () is the body itself
    item_type: TypeExpr
    page_type: TypeExpr  # the whole page's (the success response's) type
    cursor_param: str | None = None  # query parameters, as the document names them
    next_cursor: Path_ = ()  # the next cursor's field in the body
    cursor_from_item: str | None = None  # or: this field of the last item (`id`)
    has_more: Path_ = ()
    offset_param: str | None = None
    page_param: str | None = None
    size_param: str | None = None  # the page size (limit, per_page)
    first_page: int = 1
    total: Path_ = ()  # total items (offset) or total pages (page)
    next_url: Path_ = ()
    stated: bool = False  # by `x-pagination` (else detected)

    def describe(self) -> str:
        """One line for the generation summary: the style and the fields it follows."""
        if self.style == "cursor":
            source = (
                f"last item's {self.cursor_from_item}"
                if self.cursor_from_item
                else _dotted(self.next_cursor)
            )
            shown = f"{self.cursor_param} <- {source}"
        elif self.style == "offset":
            shown = f"{self.offset_param} += items"
        elif self.style == "page":
            shown = f"{self.page_param} += 1"
        elif self.style == "next_url":
            shown = _dotted(self.next_url)
        else:
            shown = 'Link rel="next"'
        where = _dotted(self.items) if self.items else "the body"
        how = "stated by x-pagination" if self.stated else "detected"
        return f"{self.style} ({shown}; items: {where}; {how})"


def _dotted(path: Path_) -> str:
    return ".".join(path)


class _Schema:
    """Reads a response schema through `$ref`s and `allOf`s (properties merged)."""

    def __init__(self, resolve: Any) -> None:
        self.resolve = resolve

    def of(self, schema: Any, depth: int = 0) -> dict[str, Any]:
        schema = self.resolve(schema) if isinstance(schema, dict) else schema
        if not isinstance(schema, dict) or depth > 10:
            return {}
        parts = schema.get("allOf")
        if isinstance(parts, list):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            props = dict(merged.get("properties") or {})
            for part in parts:
                props.update(self.of(part, depth + 1).get("properties") or {})
            merged["properties"] = props
            return merged
        return schema

    def props(self, schema: Any) -> dict[str, Any]:
        props = self.of(schema).get("properties")
        return {str(k): v for k, v in props.items()} if isinstance(props, dict) else {}

    def at(self, schema: Any, path: Path_) -> Any:
        """The schema of the field at `path`, or None."""
        for token in path:
            props = self.props(schema)
            if token not in props:
                return None
            schema = props[token]
        return self.of(schema)

    def kind(self, schema: Any) -> str | None:
        kind = self.of(schema).get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            return str(kinds[0]) if len(kinds) == 1 else None
        if kind is None and "items" in self.of(schema):
            return "array"
        return str(kind) if isinstance(kind, str) else None

    def find(
        self, schema: Any, parents: tuple[str, ...], names: tuple[str, ...], kinds: tuple[str, ...]
    ) -> Path_:
        """The first field named in `names` (case-insensitively) under one of `parents`."""
        top = self.props(schema)
        for parent in parents:
            if parent:
                key = _named(top, (parent,))
                if key is None:
                    continue
                holder = top[key]
                prefix: Path_ = (key,)
            else:
                holder, prefix = schema, ()
            props = self.props(holder)
            for name in names:
                key = _named(props, (name,))
                if key is not None and (
                    self.kind(props[key]) in kinds or not self.kind(props[key])
                ):
                    if (
                        "object" not in kinds
                        and self.kind(props[key]) is None
                        and self.props(props[key])
                    ):
                        continue
                    return (*prefix, key)
        return ()


def _named(props: dict[str, Any], names: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): k for k in props}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def _param(params: dict[str, Parameter], names: tuple[str, ...]) -> str | None:
    lowered = {k.lower(): k for k in params}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


def pagination(
    op: dict[str, Any],
    method: str,
    at: str,
    parameters: tuple[Parameter, ...],
    responses: tuple[Response, ...],
    resolve: Any,
    type_of: Any,
) -> Pagination | None:
    """The operation's pagination, or None. `type_of(schema, pointer, stem)` types the items."""
    stated = op.get("x-pagination")
    where = join_pointer(at, "x-pagination")
    if stated is False:
        return None
    if stated is not None and not isinstance(stated, dict):
        raise _problem("x-pagination must be false or an object with a `style`", where)
    if stated is None and method != "get":
        return None
    query = {p.name: p for p in parameters if p.location == "query" and not p.client_level}
    response = next(
        (r for r in responses if r.is_success and any(m.kind == "json" for m in r.content)), None
    )
    if response is None:
        if stated is not None:
            raise _problem("x-pagination needs a JSON success response", where)
        return None
    media = next(m for m in response.content if m.kind == "json")
    reader = _Schema(resolve)
    body = media.schema
    items = _items(reader, body, stated, where)
    if items is None:
        return None
    array, pointer = _raw_at(reader, body, items, media.schema_pointer or at)
    raw_item = array.get("items") if isinstance(array, dict) else None
    item_pointer = join_pointer(pointer, "items")
    if isinstance(raw_item, dict) and isinstance(raw_item.get("$ref"), str):
        item_pointer = raw_item["$ref"].lstrip("#")
    item_type = type_of(raw_item, item_pointer, response.class_stem + "Item")
    found = _style(reader, body, items, query, response, stated, where)
    if found is None:
        return None
    return Pagination(
        items=items, item_type=item_type, page_type=media.type, stated=stated is not None, **found
    )


def _raw_at(reader: _Schema, schema: Any, path: Path_, pointer: str) -> tuple[Any, str]:
    """The array schema at `path` as written (its item `$ref` kept) and where it is written."""
    for token in (*path, None):
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            pointer = schema["$ref"].lstrip("#")
            schema = reader.resolve(schema)
        if token is None:
            break
        own = schema.get("properties") if isinstance(schema, dict) else None
        if isinstance(own, dict) and token in own:
            pointer = join_pointer(pointer, "properties", token)
        else:  # merged from an allOf part: named after the page, not a real place
            pointer = join_pointer(pointer, "allOf", "properties", token)
        schema = reader.props(schema).get(token)
    return schema, pointer


def _items(reader: _Schema, body: Any, stated: dict[str, Any] | None, where: str) -> Path_ | None:
    if stated is not None and "items" in stated:
        path = _path(stated["items"], join_pointer(where, "items"))
        if reader.kind(reader.at(body, path)) != "array":
            raise _problem(
                f"x-pagination: items {_dotted(path) or '(the body)'} is not an array in the response",
                join_pointer(where, "items"),
            )
        return path
    if reader.kind(body) == "array":
        return ()
    props = reader.props(body)
    arrays = [k for k, v in props.items() if reader.kind(v) == "array"]
    named = _named({k: None for k in arrays}, _ITEM_NAMES)
    if named is not None:
        return (named,)
    if len(arrays) == 1:
        return (arrays[0],)
    # One level down: {"data": {"items": [...]}} and the like.
    for key in ("data", "result", "response"):
        inner = _named(props, (key,))
        if inner is None:
            continue
        sub = [k for k, v in reader.props(props[inner]).items() if reader.kind(v) == "array"]
        if len(sub) == 1:
            return (inner, sub[0])
    if stated is not None:
        raise _problem("x-pagination: name the items array (`items`)", where)
    return None


def _style(
    reader: _Schema,
    body: Any,
    items: Path_,
    query: dict[str, Parameter],
    response: Response,
    stated: dict[str, Any] | None,
    where: str,
) -> dict[str, Any] | None:
    wanted = None
    if stated is not None:
        wanted = stated.get("style")
        if wanted == "next-url":
            wanted = "next_url"
        if wanted not in STYLES:
            raise _problem(
                f"x-pagination: style must be one of {', '.join(STYLES)} (next-url too)",
                join_pointer(where, "style"),
            )

    def param(key: str, names: tuple[str, ...]) -> str | None:
        if stated is not None and key in stated:
            name = str(stated[key])
            if name not in query:
                raise _problem(
                    f"x-pagination: {key} {name!r} is not a query parameter of the operation",
                    join_pointer(where, key),
                )
            return name
        return _param(query, names)

    def field(key: str, found: Path_) -> Path_:
        if stated is not None and key in stated:
            path = _path(stated[key], join_pointer(where, key))
            if reader.at(body, path) is None:
                raise _problem(
                    f"x-pagination: {key} {_dotted(path)!r} is not a field of the response",
                    join_pointer(where, key),
                )
            return path
        return found

    scalar = ("string", "integer", "number")
    has_more = field("hasMore", reader.find(body, _TOTAL_PARENTS, _HAS_MORE, ("boolean",)))
    size = param("sizeParam", _SIZE_PARAMS)

    def next_url() -> dict[str, Any] | None:
        path = field("nextUrl", _next_url_field(reader, body))
        return {"style": "next_url", "next_url": path} if path else None

    def cursor() -> dict[str, Any] | None:
        name = param("cursorParam", _CURSOR_PARAMS)
        if name is None:
            return None
        nxt = field("nextCursor", reader.find(body, _CURSOR_PARENTS, _CURSOR_FIELDS, scalar))
        from_item = stated.get("cursorFromItem") if stated is not None else None
        if nxt and not from_item and _is_url(reader, body, nxt):
            return None
        if not nxt and not from_item and has_more and name.lower() in ("after", "starting_after"):
            item = reader.of(reader.at(body, items) or {}).get("items")
            if "id" in reader.props(item):
                from_item = "id"
        if not nxt and not from_item:
            return None
        return {
            "style": "cursor", "cursor_param": name, "next_cursor": nxt,
            "cursor_from_item": str(from_item) if from_item else None, "has_more": has_more,
            "size_param": size,
        }  # fmt: skip

    def link() -> dict[str, Any] | None:
        documented = any(h.name.lower() == "link" for h in response.headers)
        return {"style": "link"} if documented or wanted == "link" else None

    def offset() -> dict[str, Any] | None:
        name = param("offsetParam", _OFFSET_PARAMS)
        if name is None:
            return None
        total = field(
            "total", reader.find(body, _TOTAL_PARENTS, _TOTAL_FIELDS, ("integer", "number"))
        )
        return {
            "style": "offset",
            "offset_param": name,
            "size_param": size,
            "total": total,
            "has_more": has_more,
        }

    def page() -> dict[str, Any] | None:
        name = param("pageParam", _PAGE_PARAMS)
        if name is None:
            return None
        total = field(
            "total", reader.find(body, _TOTAL_PARENTS, _TOTAL_PAGES, ("integer", "number"))
        )
        schema = query[name].schema if isinstance(query[name].schema, dict) else {}
        first = stated.get("firstPage") if stated is not None else None
        if first is None:
            first = schema.get("default", schema.get("minimum", 1))
        first = first if isinstance(first, int) and not isinstance(first, bool) else 1
        return {
            "style": "page", "page_param": name, "size_param": size, "total": total,
            "has_more": has_more, "first_page": first,
        }  # fmt: skip

    order = {"next_url": next_url, "cursor": cursor, "link": link, "offset": offset, "page": page}
    if wanted is not None:
        found = order[wanted]()
        if found is None:
            raise _problem(
                f"x-pagination: the {wanted} style needs its parameter or field; name it", where
            )
        return found
    for detect in order.values():
        found = detect()
        if found is not None:
            return found
    return None


def _next_url_field(reader: _Schema, body: Any) -> Path_:
    found = reader.find(body, _NEXT_URL_PARENTS, _NEXT_URL_FIELDS, ("string",))
    if found and (_is_url(reader, body, found) or found[-1].lower() != "next" or len(found) > 1):
        if found[-1].lower() in ("next_page", "nextpage") and not _is_url(reader, body, found):
            return ()
        return found
    # HAL: `_links.next.href`
    links = _named(reader.props(body), ("_links", "links"))
    if links is not None:
        nxt = _named(reader.props(reader.props(body)[links]), ("next",))
        if nxt is not None:
            href = _named(reader.props(reader.props(reader.props(body)[links])[nxt]), ("href",))
            if href is not None:
                return (links, nxt, href)
    return ()


def _is_url(reader: _Schema, body: Any, path: Path_) -> bool:
    schema = reader.at(body, path) or {}
    name = path[-1].lower()
    return (
        schema.get("format") in ("uri", "url", "uri-reference", "iri")
        or "url" in name
        or "link" in name
        or "href" in name
    )


def _path(value: Any, where: str) -> Path_:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    if isinstance(value, str):
        return tuple(p for p in value.split(".") if p)
    raise _problem("a field path is a dotted string (`meta.next`) or a list of names", where)


def _problem(message: str, pointer: str) -> SpecError:
    return SpecError([Problem(message, Location("<document>", pointer))])


# -- the client's view -------------------------------------------------------------------------------

PAGER_ALIAS = "_pg"  # the resources' name for the client's `_pagination` runtime module


@dataclass(frozen=True)
class PagerPlan:
    """What a paginated operation's method returns, and its runtime `PageSpec` arguments."""

    item: str  # one item's annotation (models qualified)
    page: str  # one page's annotation
    item_runtime: str  # the item type as a runtime expression (validated when re-typed)
    arguments: tuple[tuple[str, Any], ...]  # PageSpec keyword arguments (plain values)
    description: str  # for the generation summary

    @property
    def sync(self) -> str:
        return f"{PAGER_ALIAS}.SyncPager[{self.item}, {self.page}]"

    @property
    def async_(self) -> str:
        return f"{PAGER_ALIAS}.AsyncPager[{self.item}, {self.page}]"


def pager_plan(op: Operation, qualify: Any) -> PagerPlan | None:
    found = op.pagination
    if found is None:
        return None
    python = {p.name: p.python_name for p in op.parameters if p.location == "query"}

    def name(param: str | None) -> str | None:
        return python.get(param) if param else None

    item = qualify(found.item_type)
    arguments = (
        ("style", found.style),
        ("items", found.items),
        ("cursor_param", name(found.cursor_param)),
        ("next_cursor", found.next_cursor),
        ("cursor_from_item", found.cursor_from_item),
        ("has_more", found.has_more),
        ("offset_param", name(found.offset_param)),
        ("page_param", name(found.page_param)),
        ("size_param", name(found.size_param)),
        ("first_page", found.first_page),
        ("total", found.total),
        ("next_url", found.next_url),
    )
    return PagerPlan(
        item=item,
        page=qualify(found.page_type),
        item_runtime=item,
        arguments=arguments,
        description=found.describe(),
    )
