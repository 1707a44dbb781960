"""Paths, operations, parameters, request bodies, responses, security and component schemas."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from generator.diff.model import Change
from generator.diff.schemas import SchemaDiffer, make_change, resolve
from generator.errors import join_pointer
from generator.loader.repair import is_synthesized_response
from generator.schema_walk import HTTP_METHODS, path_item_operations

_TEMPLATE = re.compile(r"\{[^}/]*\}")


def _label(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


STABILITY = ("draft", "alpha", "beta", "stable")
UNSTABLE = ("draft", "alpha")  # oasdiff: changes to these operations never break anyone


def stability(op: dict[str, Any]) -> str:
    level = op.get("x-stability-level")
    return level if level in STABILITY else "stable"


def sunset(node: dict[str, Any]) -> date | None:
    """The `x-sunset` date of a deprecated node, None when absent or not a date."""
    value = node.get("x-sunset")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except ValueError:
            try:
                return date.fromisoformat(value.strip()[:10])
            except ValueError:
                return None
    return None


def removal_kind(nodes: list[dict[str, Any]], today: date) -> str:
    """without-deprecation, sunset-parse (a sunset date that is not a date), before-sunset or
    with-deprecation, for removing all of `nodes`."""
    if not nodes or not all(n.get("deprecated") is True for n in nodes):
        return "without-deprecation"
    if any("x-sunset" in n and sunset(n) is None for n in nodes):
        return "sunset-parse"
    if any((d := sunset(n)) is not None and d > today for n in nodes):
        return "before-sunset"
    return "with-deprecation"


def _requirements(items: Any) -> list[dict[str, frozenset[str]]]:
    return [
        {
            name: frozenset(s for s in scopes or [] if isinstance(s, str))
            for name, scopes in r.items()
        }
        for r in (items if isinstance(items, list) else [])
        if isinstance(r, dict)
    ]


def _key(req: dict[str, frozenset[str]]) -> str:
    return (
        ", ".join(
            f"{name}[{' '.join(sorted(scopes))}]" if scopes else name
            for name, scopes in sorted(req.items())
        )
        or "anonymous"
    )


def _satisfies(held: dict[str, frozenset[str]], asked: dict[str, frozenset[str]]) -> bool:
    """Credentials that met `held` also meet `asked` (fewer schemes, fewer scopes)."""
    return all(name in held and scopes <= held[name] for name, scopes in asked.items())


class OperationDiffer:
    """Collects (change, operation label) pairs; the engine merges them per change."""

    def __init__(
        self, old_doc: dict[str, Any], new_doc: dict[str, Any], today: date | None = None
    ) -> None:
        self.old_doc = old_doc
        self.new_doc = new_doc
        self.today = today or date.today()
        self.schemas = SchemaDiffer(old_doc, new_doc)
        self.found: list[tuple[Change, str]] = []
        # Operation labels that are draft or alpha in the old document: their changes break no one.
        self.unstable: dict[str, str] = {}
        self.section = "paths"
        self.current_paths = ("", "")

    def add(self, label: str, change: Change) -> None:
        self.found.append((change, label))

    def extend(self, label: str, changes: list[Change]) -> None:
        for change in changes:
            self.add(label, change)

    def resolve_old(self, pointer: str) -> tuple[str, Any]:
        return resolve(self.old_doc, pointer)

    def resolve_new(self, pointer: str) -> tuple[str, Any]:
        return resolve(self.new_doc, pointer)

    # --- paths ---------------------------------------------------------------------------------
    def run(self) -> None:
        self.section = "paths"
        self._run()
        # Webhooks (3.1) are operations the API calls: compared the same way, labelled by name.
        self.section = "webhooks"
        self._run()

    def _label(self, method: str, path: str) -> str:
        label = _label(method, path)
        return label if self.section == "paths" else f"webhook {label}"

    def _note_stability(self, method: str, path: str, op: Any) -> None:
        if isinstance(op, dict) and stability(op) in UNSTABLE:
            self.unstable[self._label(method, path)] = stability(op)

    def _run(self) -> None:
        section = self.section
        old_paths = _dict(self.old_doc.get(section))
        new_paths = _dict(self.new_doc.get(section))
        # /pets/{id} and /pets/{petId} are the same path to a client.
        old_by_shape = {_TEMPLATE.sub("{}", p): p for p in old_paths}
        new_by_shape = {_TEMPLATE.sub("{}", p): p for p in new_paths}
        for shape in sorted(set(old_by_shape) | set(new_by_shape)):
            old_path, new_path = old_by_shape.get(shape), new_by_shape.get(shape)
            if old_path is not None:
                _, o_item = self.resolve_old(join_pointer("/" + section, old_path))
                for method, (_, op) in _ops(o_item).items():
                    self._note_stability(method, old_path, op)
            if old_path is None:
                assert new_path is not None
                at, item = self.resolve_new(join_pointer("/" + section, new_path))
                if section == "webhooks":
                    self._webhook("webhook-added", new_path, at, item, "new")
                    continue
                for method, (tokens, _) in _ops(item).items():
                    self.add(
                        self._label(method, new_path),
                        make_change(
                            "endpoint-added",
                            join_pointer(at, *tokens),
                            "new",
                            f"{self._label(method, new_path)} added",
                        ),
                    )
            elif new_path is None:
                at, item = self.resolve_old(join_pointer("/" + section, old_path))
                if section == "webhooks":
                    self._webhook("webhook-removed", old_path, at, item, "old")
                    continue
                found = _ops(item)
                ops = list(found)
                kind = removal_kind([found[m][1] for m in ops], self.today)
                change = make_change(
                    "api-path-sunset-parse"
                    if kind == "sunset-parse"
                    else f"api-path-removed-{kind}",
                    at,
                    "old",
                    f"path {old_path} removed" + _sunset_note(kind, [found[m][1] for m in ops]),
                )
                for method in ops or ["*"]:
                    self.add(self._label(method, old_path), change)
            else:
                self.path(old_path, new_path)

    def _webhook(self, id_: str, name: str, at: str, item: Any, side: str) -> None:
        """oasdiff reports a webhook as a whole: added (info) or removed (breaking)."""
        verb = "added" if side == "new" else "removed"
        change = make_change(id_, at, side, f"webhook {name} {verb}")
        ops = list(_ops(item))
        for method in ops or ["*"]:
            self.add(self._label(method, name), change)

    def path(self, old_path: str, new_path: str) -> None:
        o_at, o_item = self.resolve_old(join_pointer("/" + self.section, old_path))
        n_at, n_item = self.resolve_new(join_pointer("/" + self.section, new_path))
        o_item, n_item = _dict(o_item), _dict(n_item)
        # The fixed methods, then OpenAPI 3.2's `additionalOperations` of either side.
        o_ops, n_ops = _ops(o_item), _ops(n_item)
        for method in dict.fromkeys([*HTTP_METHODS, *o_ops, *n_ops]):
            o_op = o_ops[method][1] if method in o_ops else None
            n_op = n_ops[method][1] if method in n_ops else None
            label = self._label(method, new_path)
            if not isinstance(o_op, dict) and not isinstance(n_op, dict):
                continue
            if not isinstance(o_op, dict):
                self.add(
                    label,
                    make_change(
                        "endpoint-added",
                        join_pointer(n_at, *n_ops[method][0]),
                        "new",
                        f"{label} added",
                    ),
                )
            elif not isinstance(n_op, dict):
                kind = removal_kind([o_op], self.today)
                self.add(
                    self._label(method, old_path),
                    make_change(
                        "api-path-sunset-parse"
                        if kind == "sunset-parse"
                        else f"api-removed-{kind}",
                        join_pointer(o_at, *o_ops[method][0]),
                        "old",
                        f"{self._label(method, old_path)} removed" + _sunset_note(kind, [o_op]),
                    ),
                )
            else:
                # The operation's changes are labelled with the new path: note its old stability.
                self._note_stability(method, new_path, o_op)
                self.current_paths = (old_path, new_path)
                _Operation(
                    self, label, o_at, n_at, o_ops[method][0], n_ops[method][0], o_item, n_item
                ).run()

    # --- components ----------------------------------------------------------------------------
    def components(self) -> None:
        old = _dict(_dict(self.old_doc.get("components")).get("schemas"))
        new = _dict(_dict(self.new_doc.get("components")).get("schemas"))
        for name in sorted(set(old) | set(new)):
            at = join_pointer("/components/schemas", name)
            label = ""  # a component change belongs to no operation
            if name not in old:
                self.add(label, make_change("api-schema-added", at, "new", f"schema {name} added"))
            elif name not in new:
                self.add(
                    label, make_change("api-schema-removed", at, "old", f"schema {name} removed")
                )
            elif (at, at) not in self.schemas.compared:
                # No operation compared this component: SDK code may build it or parse it.
                self.extend(label, self.schemas.compare(at, at, "request", "request-body"))
                self.extend(label, self.schemas.compare(at, at, "response", "response-body"))


def _ops(item: Any) -> dict[str, tuple[tuple[str, ...], dict[str, Any]]]:
    """The operations of a path item by lower-case method: (pointer tokens, operation)."""
    return {m: (tokens, op) for m, tokens, op in path_item_operations(_dict(item))}


def _at_tokens(item: dict[str, Any], tokens: tuple[str, ...]) -> Any:
    node: Any = item
    for token in tokens:
        node = node[token]
    return node


def _parameter_schemas(
    o_at: str, o_param: dict[str, Any], n_at: str, n_param: dict[str, Any]
) -> list[tuple[str, str]]:
    """The schema pointers to compare: `schema`, or the schema of each media type of `content`
    both sides declare (a parameter may be serialised as a JSON document instead)."""
    if "schema" in o_param and "schema" in n_param:
        return [(join_pointer(o_at, "schema"), join_pointer(n_at, "schema"))]
    o_content, n_content = _dict(o_param.get("content")), _dict(n_param.get("content"))
    pairs = []
    for media in sorted(set(o_content) & set(n_content)):
        if "schema" in _dict(o_content[media]) and "schema" in _dict(n_content[media]):
            pairs.append(
                (
                    join_pointer(o_at, "content", media, "schema"),
                    join_pointer(n_at, "content", media, "schema"),
                )
            )
    if not pairs and len(o_content) == 1 and len(n_content) == 1:
        # One media type each, renamed (application/json -> text/json): still one value.
        (o_media, o_obj), (n_media, n_obj) = (
            next(iter(o_content.items())),
            next(iter(n_content.items())),
        )
        if "schema" in _dict(o_obj) and "schema" in _dict(n_obj):
            pairs.append(
                (
                    join_pointer(o_at, "content", o_media, "schema"),
                    join_pointer(n_at, "content", n_media, "schema"),
                )
            )
    return pairs


def _sunset_note(kind: str, nodes: list[dict[str, Any]]) -> str:
    dates = sorted(str(d) for n in nodes if (d := sunset(n)) is not None)
    if kind == "sunset-parse":
        return f" (its x-sunset {nodes[0].get('x-sunset')!r} is not a date)"
    if kind == "before-sunset":
        return f" before its sunset date {dates[-1]}"
    if kind == "with-deprecation":
        return " after deprecation" + (f" (sunset {dates[-1]})" if dates else "")
    return ""


class _Operation:
    def __init__(
        self,
        parent: OperationDiffer,
        label: str,
        o_item_at: str,
        n_item_at: str,
        o_tokens: tuple[str, ...],
        n_tokens: tuple[str, ...],
        o_item: dict[str, Any],
        n_item: dict[str, Any],
    ) -> None:
        self.p = parent
        self.label = label
        self.o_item_at, self.n_item_at = o_item_at, n_item_at
        self.o_item, self.n_item = o_item, n_item
        # `get`, or ("additionalOperations", "LINK") for an OpenAPI 3.2 additional method
        self.o_at = join_pointer(o_item_at, *o_tokens)
        self.n_at = join_pointer(n_item_at, *n_tokens)
        self.o: dict[str, Any] = _at_tokens(o_item, o_tokens)
        self.n: dict[str, Any] = _at_tokens(n_item, n_tokens)

    def add(
        self, id_: str, pointer: str, side: str, message: str, old: Any = None, new: Any = None
    ) -> None:
        self.p.add(self.label, make_change(id_, pointer, side, message, old, new))

    def run(self) -> None:
        self.lifecycle()
        self.security()
        self.parameters()
        self.request_body()
        self.responses()

    def lifecycle(self) -> None:
        old_level, new_level = stability(self.o), stability(self.n)
        if old_level != new_level:
            went = (
                "decreased"
                if STABILITY.index(new_level) < STABILITY.index(old_level)
                else ("increased")
            )
            self.add(
                f"api-stability-{went}",
                join_pointer(self.n_at, "x-stability-level")
                if "x-stability-level" in self.n
                else self.n_at,
                "new",
                f"stability level {old_level} became {new_level}",
                old_level,
                new_level,
            )
        old_dep, new_dep = self.o.get("deprecated") is True, self.n.get("deprecated") is True
        if new_dep and not old_dep:
            self.add(
                "endpoint-deprecated",
                join_pointer(self.n_at, "deprecated"),
                "new",
                "operation deprecated",
            )
        elif old_dep and not new_dep:
            self.add("endpoint-reactivated", self.n_at, "new", "operation no longer deprecated")
        old_id, new_id = self.o.get("operationId"), self.n.get("operationId")
        if old_id != new_id:
            if old_id is not None:
                self.add(
                    "api-operation-id-removed",
                    join_pointer(self.o_at, "operationId"),
                    "old",
                    f"operationId {old_id} removed",
                    old_id,
                    new_id,
                )
            if new_id is not None:
                self.add(
                    "api-operation-id-added",
                    join_pointer(self.n_at, "operationId"),
                    "new",
                    f"operationId {new_id} added",
                    old_id,
                    new_id,
                )
        old_tags = [t for t in self.o.get("tags") or [] if isinstance(t, str)]
        new_tags = [t for t in self.n.get("tags") or [] if isinstance(t, str)]
        for i, tag in enumerate(new_tags):
            if tag not in old_tags:
                self.add(
                    "api-tag-added",
                    join_pointer(self.n_at, "tags", i),
                    "new",
                    f"tag {tag} added",
                    None,
                    tag,
                )
        for i, tag in enumerate(old_tags):
            if tag not in new_tags:
                self.add(
                    "api-tag-removed",
                    join_pointer(self.o_at, "tags", i),
                    "old",
                    f"tag {tag} removed",
                    tag,
                )

    # --- security ------------------------------------------------------------------------------
    def _effective(
        self, doc: dict[str, Any], op: dict[str, Any], op_at: str
    ) -> list[tuple[dict[str, frozenset[str]], str]]:
        """Each security alternative (scheme -> required scopes) and where it is declared."""
        if "security" in op:
            declared, at = op.get("security"), join_pointer(op_at, "security")
        else:
            declared, at = doc.get("security"), "/security" if "security" in doc else op_at
        alternatives = [(req, join_pointer(at, i)) for i, req in enumerate(_requirements(declared))]
        return alternatives or [({}, at)]

    def security(self) -> None:
        old = self._effective(self.p.old_doc, self.o, self.o_at)
        new = self._effective(self.p.new_doc, self.n, self.n_at)
        old_keys, new_keys = {_key(r) for r, _ in old}, {_key(r) for r, _ in new}
        counterparts: set[str] = set()
        for req, at in old:
            key = _key(req)
            if key in new_keys:
                continue
            same = [(r, a) for r, a in new if set(r) == set(req) and _key(r) not in old_keys]
            looser = [(r, a) for r, a in new if _satisfies(req, r)]
            if same:  # the same schemes with other scopes: report each scope
                n_req, n_at = same[0]
                counterparts.add(_key(n_req))
                for name in sorted(req):
                    for scope in sorted(n_req[name] - req[name]):
                        self.add(
                            "api-security-scope-added",
                            n_at,
                            "new",
                            f"scope {scope} now required for security scheme {name}",
                            None,
                            scope,
                        )
                    for scope in sorted(req[name] - n_req[name]):
                        self.add(
                            "api-security-scope-removed",
                            at,
                            "old",
                            f"scope {scope} no longer required for security scheme {name}",
                            scope,
                        )
            elif looser:  # a client holding these credentials still satisfies an alternative
                n_req, n_at = looser[0]
                counterparts.add(_key(n_req))
                self.add(
                    "api-security-relaxed",
                    n_at,
                    "new",
                    f"security alternative {key} relaxed to {_key(n_req)}",
                    key,
                    _key(n_req),
                )
            else:
                self.add(
                    "api-security-removed", at, "old", f"security alternative {key} removed", key
                )
        for req, at in new:
            key = _key(req)
            if key not in old_keys and key not in counterparts:
                self.add(
                    "api-security-added", at, "new", f"security alternative {key} added", None, key
                )

    # --- parameters ----------------------------------------------------------------------------
    def _parameters(self, side: str) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
        resolve_ = self.p.resolve_old if side == "old" else self.p.resolve_new
        item, item_at = (
            (self.o_item, self.o_item_at) if side == "old" else (self.n_item, self.n_item_at)
        )
        op_at = self.o_at if side == "old" else self.n_at
        op = self.o if side == "old" else self.n
        # A path parameter is known by its place in the template: /books/{bookId} and
        # /books/{id} take the same value from a client, whatever the name.
        path = self.p.current_paths[0 if side == "old" else 1]
        slots = [m.group(0)[1:-1] for m in _TEMPLATE.finditer(path)]
        found: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for base, holder in ((item_at, item), (op_at, op)):  # operation level overrides path level
            for i, _ in enumerate(holder.get("parameters") or []):
                at, param = resolve_(join_pointer(base, "parameters", i))
                if not isinstance(param, dict):
                    continue
                where, name = str(param.get("in")), str(param.get("name"))
                if where == "path" and name in slots:
                    name = f"{{{slots.index(name)}}}"
                found[(where, name.lower() if where == "header" else name)] = (at, param)
        return found

    def parameters(self) -> None:
        old, new = self._parameters("old"), self._parameters("new")
        for key in sorted(set(old) | set(new)):
            where = key[0]
            shown = (new.get(key) or old[key])[1].get("name")
            what = f"{where} parameter `{shown}`"
            if key not in old:
                at, param = new[key]
                if where == "path":
                    id_ = "new-request-path-parameter"
                elif param.get("required") is True:
                    id_ = "new-required-request-parameter"
                else:
                    id_ = "new-optional-request-parameter"
                self.add(id_, at, "new", f"{what} added")
            elif key not in new:
                at, param = old[key]
                kind = removal_kind([param], self.p.today)
                id_ = {
                    "without-deprecation": "request-parameter-removed",
                    "sunset-parse": "request-parameter-sunset-parse",
                }.get(kind, f"request-parameter-removed-{kind}")
                self.add(id_, at, "old", f"{what} removed" + _sunset_note(kind, [param]))
            else:
                (o_at, o_param), (n_at, n_param) = old[key], new[key]
                o_req, n_req = o_param.get("required") is True, n_param.get("required") is True
                if o_req != n_req:
                    became = "required" if n_req else "optional"
                    self.add(
                        f"request-parameter-became-{became}",
                        n_at,
                        "new",
                        f"{what} became {became}",
                        o_req,
                        n_req,
                    )
                for o_schema, n_schema in _parameter_schemas(o_at, o_param, n_at, n_param):
                    self.p.extend(
                        self.label,
                        self.p.schemas.compare(o_schema, n_schema, "request", "request-parameter"),
                    )

    # --- request body --------------------------------------------------------------------------
    def request_body(self) -> None:
        has_old, has_new = "requestBody" in self.o, "requestBody" in self.n
        if not has_old and not has_new:
            return
        if not has_old:
            at, body = self.p.resolve_new(join_pointer(self.n_at, "requestBody"))
            required = _dict(body).get("required") is True
            self.add(
                f"request-body-added-{'required' if required else 'optional'}",
                at,
                "new",
                "request body added",
            )
            return
        o_at, o_body = self.p.resolve_old(join_pointer(self.o_at, "requestBody"))
        if not has_new:
            self.add("request-body-removed", o_at, "old", "request body removed")
            return
        n_at, n_body = self.p.resolve_new(join_pointer(self.n_at, "requestBody"))
        o_body, n_body = _dict(o_body), _dict(n_body)
        o_req, n_req = o_body.get("required") is True, n_body.get("required") is True
        if o_req != n_req:
            became = "required" if n_req else "optional"
            self.add(
                f"request-body-became-{became}",
                n_at,
                "new",
                f"request body became {became}",
                o_req,
                n_req,
            )
        self.content(o_at, n_at, o_body, n_body, "request")

    def content(
        self, o_at: str, n_at: str, o_obj: dict[str, Any], n_obj: dict[str, Any], direction: str
    ) -> None:
        old, new = _dict(o_obj.get("content")), _dict(n_obj.get("content"))
        prefix = "request-body" if direction == "request" else "response"
        for media in sorted(set(old) | set(new)):
            if media not in old:
                self.add(
                    f"{prefix}-media-type-added",
                    join_pointer(n_at, "content", media),
                    "new",
                    f"media type {media} added",
                )
            elif media not in new:
                self.add(
                    f"{prefix}-media-type-removed",
                    join_pointer(o_at, "content", media),
                    "old",
                    f"media type {media} removed",
                )
            elif "schema" in _dict(old[media]) and "schema" in _dict(new[media]):
                self.p.extend(
                    self.label,
                    self.p.schemas.compare(
                        join_pointer(o_at, "content", media, "schema"),
                        join_pointer(n_at, "content", media, "schema"),
                        "request" if direction == "request" else "response",
                        f"{direction}-body",
                    ),
                )

    # --- responses -----------------------------------------------------------------------------
    def responses(self) -> None:
        # The untyped `default` that lenient loading gives an operation without responses is
        # not part of the document: removing the last response reads as that removal.
        old = {
            k: v
            for k, v in _dict(self.o.get("responses")).items()
            if not is_synthesized_response(v)
        }
        new = {
            k: v
            for k, v in _dict(self.n.get("responses")).items()
            if not is_synthesized_response(v)
        }
        for status in sorted(set(old) | set(new)):
            kind = "success" if str(status).startswith("2") else "non-success"
            if status not in old:
                self.add(
                    f"response-{kind}-status-added",
                    join_pointer(self.n_at, "responses", status),
                    "new",
                    f"response {status} added",
                )
                continue
            if status not in new:
                self.add(
                    f"response-{kind}-status-removed",
                    join_pointer(self.o_at, "responses", status),
                    "old",
                    f"response {status} removed",
                )
                continue
            o_at, o_resp = self.p.resolve_old(join_pointer(self.o_at, "responses", status))
            n_at, n_resp = self.p.resolve_new(join_pointer(self.n_at, "responses", status))
            o_resp, n_resp = _dict(o_resp), _dict(n_resp)
            self.content(o_at, n_at, o_resp, n_resp, "response")
            self.headers(o_at, n_at, o_resp, n_resp)

    def headers(self, o_at: str, n_at: str, o_resp: dict[str, Any], n_resp: dict[str, Any]) -> None:
        old = {k.lower(): k for k in _dict(o_resp.get("headers"))}
        new = {k.lower(): k for k in _dict(n_resp.get("headers"))}
        for key in sorted(set(old) | set(new)):
            if key not in old:
                self.add(
                    "response-header-added",
                    join_pointer(n_at, "headers", new[key]),
                    "new",
                    f"response header {new[key]} added",
                )
                continue
            h_old_at, h_old = self.p.resolve_old(join_pointer(o_at, "headers", old[key]))
            if key not in new:
                required = _dict(h_old).get("required") is True
                self.add(
                    f"{'required' if required else 'optional'}-response-header-removed",
                    h_old_at,
                    "old",
                    f"response header {old[key]} removed",
                )
                continue
            h_new_at, h_new = self.p.resolve_new(join_pointer(n_at, "headers", new[key]))
            h_old, h_new = _dict(h_old), _dict(h_new)
            if h_old.get("required") is True and h_new.get("required") is not True:
                self.add(
                    "response-header-became-optional",
                    h_new_at,
                    "new",
                    f"response header {new[key]} became optional",
                    True,
                    False,
                )
            if "schema" in h_old and "schema" in h_new:
                self.p.extend(
                    self.label,
                    self.p.schemas.compare(
                        join_pointer(h_old_at, "schema"),
                        join_pointer(h_new_at, "schema"),
                        "response",
                        "response-header",
                    ),
                )
