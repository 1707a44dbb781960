"""Compare two schemas in the direction they travel: what a client sends, or what it receives.

Direction decides the classification (see rules.py): narrowing a request schema or widening a
response schema breaks clients. References are followed to the schema they name, and each
(old, new, direction, subject) pair is compared once: a recursive schema stops where it started,
and a component used by many operations is analysed once and reported for all of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from generator.diff.model import Change, Direction
from generator.diff.rules import RULES
from generator.errors import join_pointer
from generator.loader.refs import resolve_pointer

_BOUNDS = (
    ("maxLength", "max-length", True),
    ("maximum", "max", True),
    ("exclusiveMaximum", "exclusive-max", True),
    ("maxItems", "max-items", True),
    ("minLength", "min-length", False),
    ("minimum", "min", False),
    ("exclusiveMinimum", "exclusive-min", False),
    ("minItems", "min-items", False),
)
_ANYTHING = (".*", "^.*$", "^.*", ".*$", "(.*)", "^(.*)$")
_NESTED = {"request-body": "request-property", "response-body": "response-property"}


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def make_change(
    id_: str, pointer: str, side: str, message: str, old: Any = None, new: Any = None
) -> Change:
    rule = RULES[id_]
    return Change(
        id=id_,
        level=rule.level,
        breaks_clients=rule.breaks_clients,
        breaks_servers=rule.breaks_servers,
        pointer=pointer,
        side="old" if side == "old" else "new",
        message=message,
        old=old,
        new=new,
    )


def resolve(doc: dict[str, Any], pointer: str) -> tuple[str, Any]:
    """Follow `$ref`s from the node at `pointer`; returns where the followed chain ends."""
    seen: set[str] = set()
    node = resolve_pointer(doc, pointer)
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and pointer not in seen:
        seen.add(pointer)
        ref = node["$ref"]
        if not ref.startswith("#"):
            break  # the loader makes every reference local; anything else is left as written
        pointer = ref[1:]
        node = resolve_pointer(doc, pointer)
    return pointer, node


def _types(schema: dict[str, Any]) -> tuple[set[str], bool]:
    raw = schema.get("type")
    types = {raw} if isinstance(raw, str) else {t for t in raw or [] if isinstance(t, str)}
    nullable = "null" in types or schema.get("nullable") is True
    return types - {"null"}, nullable


def _covers(wide: set[str], narrow: set[str]) -> bool:
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class SchemaDiffer:
    def __init__(self, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> None:
        self.old_doc = old_doc
        self.new_doc = new_doc
        self._done: dict[tuple[str, str, str, str], list[Change]] = {}
        self.compared: set[tuple[str, str]] = set()

    def compare(
        self, old_ptr: str, new_ptr: str, direction: Direction, subject: str
    ) -> list[Change]:
        old_ptr, old = resolve(self.old_doc, old_ptr)
        new_ptr, new = resolve(self.new_doc, new_ptr)
        key = (old_ptr, new_ptr, direction, subject)
        if key in self._done:
            return self._done[key]
        self._done[key] = []  # in progress: a recursive schema compares to itself as "no change"
        self.compared.add((old_ptr, new_ptr))
        old = {} if old is True else old
        new = {} if new is True else new
        changes: list[Change] = []
        if isinstance(old, dict) and isinstance(new, dict):
            _Comparison(self, old_ptr, new_ptr, old, new, direction, subject, changes.append).run()
        self._done[key] = changes
        return changes


class _Comparison:
    def __init__(
        self,
        differ: SchemaDiffer,
        old_ptr: str,
        new_ptr: str,
        old: dict[str, Any],
        new: dict[str, Any],
        direction: Direction,
        subject: str,
        emit: Callable[[Change], None],
    ) -> None:
        self.differ = differ
        self.op, self.np = old_ptr, new_ptr
        self.old, self.new = old, new
        self.direction = direction
        self.subject = subject
        self.emit = emit

    def kind(
        self, kind: str, pointer: str, side: str, message: str, old: Any = None, new: Any = None
    ) -> None:
        self.emit(make_change(f"{self.subject}-{kind}", pointer, side, message, old, new))

    def nested(self, old_ptr: str, new_ptr: str) -> None:
        subject = _NESTED.get(self.subject, self.subject)
        for change in self.differ.compare(old_ptr, new_ptr, self.direction, subject):
            self.emit(change)

    def run(self) -> None:
        self.types()
        self.simple("format", "format")
        self.enum()
        self.simple("const", "const")
        self.pattern()
        self.simple("default", "default-value")
        self.bounds()
        self.properties()
        for keyword in ("items", "additionalProperties", "not"):
            if isinstance(self.old.get(keyword), dict) and isinstance(self.new.get(keyword), dict):
                if keyword == "not":
                    continue  # negation flips the direction; not analysed (documented)
                self.nested(join_pointer(self.op, keyword), join_pointer(self.np, keyword))
        for keyword, kind in (("oneOf", "one-of"), ("anyOf", "any-of"), ("allOf", "all-of")):
            self.union(keyword, kind)

    def types(self) -> None:
        old_types, old_null = _types(self.old)
        new_types, new_null = _types(self.new)
        where = join_pointer(self.np, "type") if "type" in self.new else self.np
        shown_old, shown_new = sorted(old_types), sorted(new_types)
        if old_types != new_types:
            if not old_types or (new_types and _covers(old_types, new_types)):
                kind = "type-specialized"
            elif not new_types or _covers(new_types, old_types):
                kind = "type-generalized"
            else:
                kind = "type-changed"
            self.kind(
                kind,
                where,
                "new",
                f"type {shown_old or 'any'} became {shown_new or 'any'}",
                shown_old,
                shown_new,
            )
        if old_null != new_null:
            if "nullable" in self.new:
                where = join_pointer(self.np, "nullable")
            self.kind(
                "became-nullable" if new_null else "became-not-nullable",
                where,
                "new",
                "null is now accepted" if new_null else "null is no longer accepted",
                old_null,
                new_null,
            )

    def simple(self, keyword: str, kind: str) -> None:
        if keyword not in self.old and keyword not in self.new:
            return
        old, new = self.old.get(keyword), self.new.get(keyword)
        if keyword not in self.old:
            self.kind(
                f"{kind}-added", join_pointer(self.np, keyword), "new", f"{keyword} set", None, new
            )
        elif keyword not in self.new:
            self.kind(
                f"{kind}-removed", join_pointer(self.op, keyword), "old", f"{keyword} removed", old
            )
        elif canonical(old) != canonical(new):
            self.kind(
                f"{kind}-changed",
                join_pointer(self.np, keyword),
                "new",
                f"{keyword} changed from {canonical(old)} to {canonical(new)}",
                old,
                new,
            )

    def pattern(self) -> None:
        old, new = self.old.get("pattern"), self.new.get("pattern")
        if "pattern" in self.old and "pattern" in self.new and old != new and new in _ANYTHING:
            self.kind(
                "pattern-generalized",
                join_pointer(self.np, "pattern"),
                "new",
                f"pattern changed from {old} to {new}, which matches anything",
                old,
                new,
            )
            return
        self.simple("pattern", "pattern")

    def enum(self) -> None:
        old, new = self.old.get("enum"), self.new.get("enum")
        if not isinstance(old, list) and not isinstance(new, list):
            return
        if not isinstance(old, list):
            self.kind(
                "became-enum",
                join_pointer(self.np, "enum"),
                "new",
                "values restricted to an enum",
                None,
                new,
            )
            return
        if not isinstance(new, list):
            self.kind(
                "enum-removed",
                join_pointer(self.op, "enum"),
                "old",
                "enum restriction removed",
                old,
            )
            return
        old_keys = {canonical(v) for v in old}
        new_keys = {canonical(v) for v in new}
        for i, value in enumerate(old):
            if canonical(value) not in new_keys:
                self.kind(
                    "enum-value-removed",
                    join_pointer(self.op, "enum", i),
                    "old",
                    f"enum value {canonical(value)} removed",
                    value,
                )
        for i, value in enumerate(new):
            if canonical(value) not in old_keys:
                self.kind(
                    "enum-value-added",
                    join_pointer(self.np, "enum", i),
                    "new",
                    f"enum value {canonical(value)} added",
                    None,
                    value,
                )

    def bounds(self) -> None:
        for keyword, kind, upper in _BOUNDS:
            old, new = _number(self.old.get(keyword)), _number(self.new.get(keyword))
            if old == new:
                continue
            old_raw, new_raw = self.old.get(keyword), self.new.get(keyword)
            if old is None:
                self.kind(
                    f"{kind}-set",
                    join_pointer(self.np, keyword),
                    "new",
                    f"{keyword} set to {new_raw}",
                    None,
                    new_raw,
                )
            elif new is None:
                self.kind(
                    f"{kind}-unset",
                    join_pointer(self.op, keyword),
                    "old",
                    f"{keyword} {old_raw} removed",
                    old_raw,
                )
            else:
                grew = new > old
                tightened = grew != upper
                verb = "increased" if grew else "decreased"
                self.kind(
                    f"{kind}-{verb}",
                    join_pointer(self.np, keyword),
                    "new",
                    f"{keyword} {verb} from {old_raw} to {new_raw}"
                    + (" (tightened)" if tightened else ""),
                    old_raw,
                    new_raw,
                )

    def _hidden(self, schema_ptr: str, doc: dict[str, Any]) -> bool:
        """readOnly properties never travel in requests, writeOnly ones never in responses."""
        _, schema = resolve(doc, schema_ptr)
        if not isinstance(schema, dict):
            return False
        flag = "readOnly" if self.direction == "request" else "writeOnly"
        return schema.get(flag) is True

    def properties(self) -> None:
        old_props = self.old.get("properties")
        new_props = self.new.get("properties")
        old_props = old_props if isinstance(old_props, dict) else {}
        new_props = new_props if isinstance(new_props, dict) else {}
        old_req = set(self.old.get("required") or [])
        new_req = set(self.new.get("required") or [])
        request = self.direction == "request"
        for name in sorted(set(old_props) | set(new_props)):
            o_at = join_pointer(self.op, "properties", name)
            n_at = join_pointer(self.np, "properties", name)
            if name not in old_props:
                if self._hidden(n_at, self.differ.new_doc):
                    continue
                required = name in new_req
                if request:
                    id_ = (
                        "new-required-request-property"
                        if required
                        else "new-optional-request-property"
                    )
                else:
                    id_ = f"response-{'required' if required else 'optional'}-property-added"
                what = "required" if required else "optional"
                self.emit(make_change(id_, n_at, "new", f"{what} property `{name}` added"))
            elif name not in new_props:
                if self._hidden(o_at, self.differ.old_doc):
                    continue
                required = name in old_req
                if request:
                    id_ = "request-property-removed"
                else:
                    id_ = f"response-{'required' if required else 'optional'}-property-removed"
                what = "required" if required else "optional"
                self.emit(make_change(id_, o_at, "old", f"{what} property `{name}` removed"))
            else:
                self.write_only(name, o_at, n_at, name in new_req)
                if (name in old_req) != (name in new_req) and not self._hidden(
                    n_at, self.differ.new_doc
                ):
                    became = "required" if name in new_req else "optional"
                    side = "request" if request else "response"
                    self.emit(
                        make_change(
                            f"{side}-property-became-{became}",
                            n_at,
                            "new",
                            f"property `{name}` became {became}",
                            name in old_req,
                            name in new_req,
                        )
                    )
                self.nested(o_at, n_at)

    def write_only(self, name: str, o_at: str, n_at: str, required: bool) -> None:
        """A property that starts or stops appearing in responses because of `writeOnly`."""
        if self.direction != "response":
            return
        was = self._hidden(o_at, self.differ.old_doc)
        now = self._hidden(n_at, self.differ.new_doc)
        what = "required" if required else "optional"
        if was and not now:
            self.emit(
                make_change(
                    f"response-{what}-property-became-not-write-only",
                    n_at,
                    "new",
                    f"{what} property `{name}` is no longer writeOnly: responses now carry it",
                )
            )
        elif now and not was and required:
            self.emit(
                make_change(
                    "response-required-property-became-write-only",
                    n_at,
                    "new",
                    f"required property `{name}` became writeOnly: responses no longer carry it",
                )
            )

    def union(self, keyword: str, kind: str) -> None:
        old = self.old.get(keyword)
        new = self.new.get(keyword)
        old = old if isinstance(old, list) else []
        new = new if isinstance(new, list) else []
        if not old and not new:
            return
        old_left = list(range(len(old)))
        new_left = list(range(len(new)))
        pairs: list[tuple[int, int]] = []

        def match(key: Callable[[Any], str | None]) -> None:
            for i in list(old_left):
                k = key(old[i])
                if k is None:
                    continue
                for j in new_left:
                    if key(new[j]) == k:
                        pairs.append((i, j))
                        old_left.remove(i)
                        new_left.remove(j)
                        break

        match(
            lambda s: (
                s.get("$ref") if isinstance(s, dict) and isinstance(s.get("$ref"), str) else None
            )
        )
        match(canonical)
        if len(old_left) == len(new_left):
            pairs.extend(zip(old_left, new_left, strict=True))
            old_left, new_left = [], []
        for i, j in sorted(pairs):
            self.nested(join_pointer(self.op, keyword, i), join_pointer(self.np, keyword, j))
        for i in old_left:
            self.kind(
                f"{kind}-removed",
                join_pointer(self.op, keyword, i),
                "old",
                f"{keyword} member {i} removed",
                old[i],
            )
        for j in new_left:
            self.kind(
                f"{kind}-added",
                join_pointer(self.np, keyword, j),
                "new",
                f"{keyword} member {j} added",
                None,
                new[j],
            )
