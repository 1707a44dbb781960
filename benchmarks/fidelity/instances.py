"""Valid instances drawn from a JSON Schema, seeded and deterministic (the fidelity measure).

A small generator of our own rather than hypothesis-jsonschema (0.23.1 fails under the pinned
hypothesis 6.170 with `'many' object has no attribute 'more'`): it walks the schema and draws a
value that is *meant* to be valid; the oracle (`benchmarks.fidelity.oracle`) has the last word,
and a draw it rejects is simply not used. Patterns are drawn by walking Python's own parse of
the regular expression.
"""

from __future__ import annotations

import random
import string
from typing import Any

try:  # Python 3.11+: the parser moved under re
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]


class Unsatisfiable(Exception):
    """The drawer could not build a value for this schema (too deep, `false`, a look-around)."""


_MAX_DEPTH = 7
_DATE_TIMES = (
    "2020-01-01T00:00:00Z",
    "2021-06-15T12:30:45+02:00",
    "2019-12-31T23:59:59.5-05:00",
    "2022-02-28T08:00:00.123456Z",
    "2023-07-04t10:20:30.120+00:00",
)
_FORMATS: dict[str, tuple[str, ...]] = {
    "date": ("2020-01-01", "2024-02-29", "1999-12-31"),
    "time": ("12:00:00Z", "23:59:59+01:00"),
    "uuid": ("123e4567-e89b-12d3-a456-426614174000", "00000000-0000-4000-8000-000000000000"),
    "email": ("a@example.com", "first.last@example.org"),
    "uri": ("https://example.com/a?b=c", "http://example.org/"),
    "url": ("https://example.com/a?b=c",),
    "uri-reference": ("/a/b", "https://example.com/x"),
    "hostname": ("example.com", "api.example.org"),
    "ipv4": ("192.0.2.1", "10.0.0.1"),
    "ipv6": ("2001:db8::1", "::1"),
    "byte": ("aGVsbG8=", ""),
    "duration": ("P1D", "PT1H30M"),
}


class Drawer:
    """Draws values for schemas of one document (`$ref`s resolve against `document`)."""

    def __init__(self, document: Any, rng: random.Random, v30: bool) -> None:
        self.document = document
        self.rng = rng
        self.v30 = v30

    # -- references and composition -------------------------------------------------------

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise Unsatisfiable(f"external $ref {ref}")
        node = self.document
        for token in ref[1:].split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                raise Unsatisfiable(f"dangling $ref {ref}")
        return node

    def flatten(self, schema: Any, depth: int = 0) -> Any:
        """`$ref` and `allOf` merged into one schema (properties and required united)."""
        if depth > 20 or not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            target = self.flatten(self.resolve(schema["$ref"]), depth + 1)
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            if self.v30 or not rest or not isinstance(target, dict):
                return target  # OpenAPI 3.0: siblings of $ref are ignored
            return _merge(target, self.flatten(rest, depth + 1))
        parts = schema.get("allOf")
        if isinstance(parts, list):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in parts:
                flat = self.flatten(part, depth + 1)
                if isinstance(flat, dict):
                    merged = _merge(merged, flat)
            return merged
        return schema

    # -- values --------------------------------------------------------------------------

    def draw(self, schema: Any, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            raise Unsatisfiable("too deep")
        if schema is True or schema == {}:
            return self.rng.choice(["any", 1, True, None, {"k": "v"}])
        if schema is False or not isinstance(schema, dict):
            raise Unsatisfiable("false schema")
        schema = self.flatten(schema)
        if not isinstance(schema, dict):
            raise Unsatisfiable("not a schema")
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.rng.choice(schema["enum"])
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                order = list(branches)
                self.rng.shuffle(order)
                rest = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
                for branch in order[:3]:
                    try:
                        return self.draw(_merge(rest, self.flatten(branch)), depth + 1)
                    except Unsatisfiable:
                        continue
                raise Unsatisfiable("no branch drawn")
        if self._nullable(schema) and self.rng.random() < 0.15:
            return None
        kind = self._kind(schema)
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, depth)
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return self._number(schema, integer=True)
        if kind == "number":
            return self._number(schema, integer=False)
        if kind == "boolean":
            return self.rng.random() < 0.5
        if kind == "null":
            return None
        return self.rng.choice(["text", 3, False])

    def _nullable(self, schema: dict[str, Any]) -> bool:
        declared = schema.get("type")
        return (self.v30 and schema.get("nullable") is True) or (
            isinstance(declared, list) and "null" in declared
        )

    def _kind(self, schema: dict[str, Any]) -> str | None:
        declared = schema.get("type")
        if isinstance(declared, list):
            kinds = [k for k in declared if k != "null"]
            return self.rng.choice(kinds) if kinds else "null"
        if isinstance(declared, str):
            return declared
        if "properties" in schema or "additionalProperties" in schema or "required" in schema:
            return "object"
        if "items" in schema:
            return "array"
        if any(k in schema for k in ("pattern", "minLength", "maxLength", "format")):
            return "string"
        if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
            return "number"
        return None

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)]
        value: dict[str, Any] = {}
        chance = (0.6, 0.5, 0.3, 0.15)[depth] if depth < 4 else 0.0  # keep instances small
        for name, sub in props.items():
            if name in required or self.rng.random() < chance:
                try:
                    value[name] = self.draw(sub, depth + 1)
                except Unsatisfiable:
                    if name in required:
                        raise
        extra = schema.get("additionalProperties")
        for name in required:
            if name not in value:
                value[name] = self.draw(extra if isinstance(extra, dict) else {}, depth + 1)
        if isinstance(extra, dict) and extra and not props and self.rng.random() < 0.7:
            for i in range(self.rng.randint(1, 2)):
                try:
                    value[f"key{i}"] = self.draw(extra, depth + 1)
                except Unsatisfiable:
                    break
        low = schema.get("minProperties")
        if isinstance(low, int):
            for name, sub in props.items():
                if len(value) >= low:
                    break
                value.setdefault(name, self.draw(sub, depth + 1))
        return value

    def _array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        low = schema.get("minItems") if isinstance(schema.get("minItems"), int) else 0
        high = schema.get("maxItems") if isinstance(schema.get("maxItems"), int) else low + 2
        count = self.rng.randint(low, max(low, min(high, low + 2 if depth < 3 else low)))
        items = schema.get("items", {})
        values: list[Any] = []
        for _ in range(count * 3):
            if len(values) >= count:
                break
            item = self.draw(items, depth + 1)
            if schema.get("uniqueItems") is True and item in values:
                continue
            values.append(item)
        if len(values) < low:
            raise Unsatisfiable("array too short")
        return values

    def _string(self, schema: dict[str, Any]) -> str:
        fmt = schema.get("format")
        if fmt == "date-time":
            return self.rng.choice(_DATE_TIMES)
        if isinstance(fmt, str) and fmt in _FORMATS:
            return self.rng.choice(_FORMATS[fmt])
        pattern = schema.get("pattern")
        low = schema.get("minLength") if isinstance(schema.get("minLength"), int) else 0
        high = schema.get("maxLength") if isinstance(schema.get("maxLength"), int) else None
        if isinstance(pattern, str):
            return self._from_pattern(pattern, low, high)
        top = high if high is not None else max(low, 8) + 4
        length = self.rng.randint(low, max(low, min(top, low + 12)))
        alphabet = string.ascii_letters + string.digits + " -_é"
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def _from_pattern(self, pattern: str, low: int, high: int | None) -> str:
        try:
            parsed = _sre_parse.parse(pattern)
        except Exception as exc:  # re.error and friends: a pattern Python cannot read
            raise Unsatisfiable(f"pattern {pattern!r}: {exc}") from None
        for _ in range(8):
            text = _Regex(self.rng).render(parsed)
            if len(text) >= low and (high is None or len(text) <= high):
                return text
        raise Unsatisfiable("no string of that length matches the pattern")

    def _number(self, schema: dict[str, Any], integer: bool) -> int | float:
        low, high = schema.get("minimum"), schema.get("maximum")
        ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        lo = float(low) if _is_number(low) else None
        hi = float(high) if _is_number(high) else None
        strict_lo = ex_low is True
        strict_hi = ex_high is True
        if _is_number(ex_low) and (lo is None or ex_low >= lo):
            lo, strict_lo = float(ex_low), True
        if _is_number(ex_high) and (hi is None or ex_high <= hi):
            hi, strict_hi = float(ex_high), True
        if lo is None:
            lo = (hi - 100) if hi is not None else -50.0
        if hi is None:
            hi = lo + 100
        multiple = schema.get("multipleOf")
        if _is_number(multiple) and multiple > 0:
            first = int(lo // multiple) + 1
            last = int(hi // multiple)
            if first > last:
                raise Unsatisfiable("no multiple in range")
            k = self.rng.randint(first, min(last, first + 20))
            value = k * multiple
            return int(value) if integer else value
        if integer:
            start = int(lo) + (1 if strict_lo or lo != int(lo) else 0)
            stop = int(hi) - (1 if strict_hi and hi == int(hi) else 0)
            if start > stop:
                raise Unsatisfiable("empty integer range")
            return self.rng.randint(start, min(stop, start + 1000))
        value = round(self.rng.uniform(lo, hi), 3)
        if (strict_lo and value <= lo) or (strict_hi and value >= hi):
            value = (lo + hi) / 2
        return int(value) if self.rng.random() < 0.3 and float(value).is_integer() else value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two schemas that must both hold, as one (properties merged, required united)."""
    merged = {**a, **b}
    pa, pb = a.get("properties"), b.get("properties")
    if isinstance(pa, dict) and isinstance(pb, dict):
        props = dict(pa)
        for k, v in pb.items():
            props[k] = {"allOf": [props[k], v]} if k in props and props[k] != v else v
        merged["properties"] = props
    ra, rb = a.get("required"), b.get("required")
    if isinstance(ra, list) and isinstance(rb, list):
        merged["required"] = list(dict.fromkeys([*ra, *rb]))
    if "type" in a and "type" in b and a["type"] != b["type"]:
        ta = a["type"] if isinstance(a["type"], list) else [a["type"]]
        tb = b["type"] if isinstance(b["type"], list) else [b["type"]]
        common = [t for t in ta if t in tb]
        merged["type"] = common[0] if len(common) == 1 else common
    return merged


class _Regex:
    """A string matching a parsed regular expression (look-arounds are not drawn)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.groups: dict[int, str] = {}

    def render(self, parsed: Any) -> str:
        return "".join(self._node(op, av) for op, av in parsed)

    def _node(self, op: Any, av: Any) -> str:
        if op == _c.LITERAL:
            return chr(av)
        if op == _c.NOT_LITERAL:
            return "a" if chr(av) != "a" else "b"
        if op == _c.ANY:
            return self.rng.choice(string.ascii_letters + string.digits)
        if op == _c.IN:
            return self._in(av)
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, high, sub = av
            high = low + 3 if high == _c.MAXREPEAT else min(high, low + 3)
            return "".join(self.render(sub) for _ in range(self.rng.randint(low, high)))
        if op == _c.SUBPATTERN:
            group, _, _, sub = av
            text = self.render(sub)
            if group is not None:
                self.groups[group] = text
            return text
        if op == _c.BRANCH:
            _, options = av
            return self.render(self.rng.choice(options))
        if op == _c.AT:
            return ""
        if op == _c.GROUPREF:
            return self.groups.get(av, "")
        if op == _c.CATEGORY:
            return self._category(av)
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            return ""  # the oracle decides whether the draw still matches
        raise Unsatisfiable(f"regex construct {op}")

    def _in(self, items: Any) -> str:
        negate = any(op == _c.NEGATE for op, _ in items)
        if negate:
            for candidate in string.ascii_letters + string.digits + "_-. ":
                if not self._in_matches(items, candidate):
                    return candidate
            raise Unsatisfiable("negated class excludes everything tried")
        op, av = self.rng.choice([item for item in items if item[0] != _c.NEGATE])
        if op == _c.LITERAL:
            return chr(av)
        if op == _c.RANGE:
            lo, hi = av
            return chr(self.rng.randint(lo, min(hi, lo + 60)))
        if op == _c.CATEGORY:
            return self._category(av)
        raise Unsatisfiable(f"class item {op}")

    def _in_matches(self, items: Any, ch: str) -> bool:
        for op, av in items:
            if op == _c.LITERAL and chr(av) == ch:
                return True
            if op == _c.RANGE and av[0] <= ord(ch) <= av[1]:
                return True
            if op == _c.CATEGORY and self._category_matches(av, ch):
                return True
        return False

    def _category(self, which: Any) -> str:
        choices = {
            _c.CATEGORY_DIGIT: string.digits,
            _c.CATEGORY_NOT_DIGIT: string.ascii_letters,
            _c.CATEGORY_SPACE: " ",
            _c.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
            _c.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
            _c.CATEGORY_NOT_WORD: "-. ",
        }.get(which)
        if choices is None:
            raise Unsatisfiable(f"category {which}")
        return self.rng.choice(choices)

    def _category_matches(self, which: Any, ch: str) -> bool:
        tests = {
            _c.CATEGORY_DIGIT: ch.isdigit(),
            _c.CATEGORY_NOT_DIGIT: not ch.isdigit(),
            _c.CATEGORY_SPACE: ch.isspace(),
            _c.CATEGORY_NOT_SPACE: not ch.isspace(),
            _c.CATEGORY_WORD: ch.isalnum() or ch == "_",
            _c.CATEGORY_NOT_WORD: not (ch.isalnum() or ch == "_"),
        }
        return bool(tests.get(which, False))
