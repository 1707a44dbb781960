"""The judge of the fidelity measure: `jsonschema` in the document's dialect.

OpenAPI 3.1 schemas are JSON Schema 2020-12; OpenAPI 3.0 schemas are read as draft 4 (boolean
`exclusiveMinimum`, `$ref` siblings ignored) after `nullable: true` is rewritten into the null
type it means. The formats the models give a Python type (`date-time`, `date`, `uuid`) are
asserted; the others are annotations, as JSON Schema says, and the models keep them as `str`.
"""

from __future__ import annotations

import copy
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator

ASSERTED_FORMATS = ("date-time", "date", "uuid")


def _format_checker(base: FormatChecker) -> FormatChecker:
    checker = FormatChecker(formats=())
    for name in ASSERTED_FORMATS:
        if name in base.checkers:
            func, raises = base.checkers[name]
            checker.checks(name, raises)(func)
    return checker


def _nullable_as_type(node: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` written as JSON Schema (null in `type` / `enum`)."""
    if isinstance(node, list):
        return [_nullable_as_type(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _nullable_as_type(v) for k, v in node.items()}
    if out.pop("nullable", None) is True:
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        declared = out.get("type")
        if isinstance(declared, str):
            out["type"] = [declared, "null"]
        elif "$ref" in out or any(k in out for k in ("allOf", "oneOf", "anyOf")):
            return {"anyOf": [out, {"type": "null"}]}
    return out


class Oracle:
    """`is_valid(pointer, instance)` for the schema at a JSON pointer of one document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.v30 = str(document.get("openapi", "")).startswith("3.0")
        root = copy.deepcopy(document)
        if self.v30:
            root = _nullable_as_type(root)
            self.cls: type[Validator] = Draft4Validator
        else:
            self.cls = Draft202012Validator
        root.pop("$schema", None)
        root.pop("$id", None)
        self.root = root
        self.checker = _format_checker(self.cls.FORMAT_CHECKER)
        self.validators: dict[str, Validator] = {}

    def validator(self, at: str) -> Validator:
        found = self.validators.get(at)
        if found is None:
            pointer = "#" + at
            # The whole document is the root resource, so every `$ref` inside resolves.
            schema = {**self.root, "$ref": pointer}
            if self.v30:  # draft 4 ignores siblings of $ref: reference from an `allOf`
                schema = {**self.root, "allOf": [{"$ref": pointer}]}
                schema.pop("$ref", None)
            found = self.cls(schema, format_checker=self.checker)
            self.validators[at] = found
        return found

    def is_valid(self, at: str, instance: Any) -> bool:
        try:
            return bool(self.validator(at).is_valid(instance))
        except Exception:  # a schema jsonschema cannot apply (a bad regex): no verdict
            return False

    def schema(self, at: str) -> Any:
        node: Any = self.root
        for token in at.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node
