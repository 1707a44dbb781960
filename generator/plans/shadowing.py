"""Method names that shadow builtin types in their class's annotations, made safe.

`client.models.list()` is the name a person writes, but inside the resource class a method
called `list` hides the builtin from every annotation after it (`-> list[_m.Model]` would name
the method, and mypy rejects it). Instead of refusing the name, the annotations of such a
resource read the builtin through the `builtins` module (`builtins.list[_m.Model]`); the
resource module then imports `builtins`.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.plans.client import OperationPlan

# Builtins that generated annotations use as types.
ANNOTATION_BUILTINS = frozenset(
    {"bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list"}
    | {"memoryview", "object", "set", "str", "tuple", "type"}
)
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def shadowed(method_names: list[str]) -> frozenset[str]:
    return frozenset(n for n in method_names if n in ANNOTATION_BUILTINS)


def shield(annotation: str, names: frozenset[str]) -> str:
    """`annotation` with each name in `names` read as `builtins.<name>` (string literals kept)."""
    if not names:
        return annotation
    pattern = re.compile(r"(?<![\w.])(" + "|".join(sorted(names)) + r")(?!\w)")
    pieces, last = [], 0
    for literal in _STRING.finditer(annotation):
        pieces.append(pattern.sub(r"builtins.\1", annotation[last : literal.start()]))
        pieces.append(literal.group(0))
        last = literal.end()
    pieces.append(pattern.sub(r"builtins.\1", annotation[last:]))
    return "".join(pieces)


def shield_operation(op: OperationPlan, names: frozenset[str]) -> OperationPlan:
    """The operation's signature annotations with `names` read from `builtins`."""
    if not names:
        return op
    body = op.body
    if body is not None:
        body = dataclasses.replace(
            body,
            annotation=shield(body.annotation, names),
            media=tuple(
                dataclasses.replace(m, annotation=shield(m.annotation, names)) for m in body.media
            ),
        )
    streams = op.streams
    if streams is not None:  # a stream's event type and the plain body beside it
        streams = dataclasses.replace(
            streams,
            item=shield(streams.item, names),
            plain=shield(streams.plain, names) if streams.plain is not None else None,
        )
    paging = op.paging
    if paging is not None:  # `item_runtime` is read at module level, where nothing is hidden
        paging = dataclasses.replace(
            paging, item=shield(paging.item, names), page=shield(paging.page, names)
        )
    return dataclasses.replace(
        op,
        params=tuple(
            dataclasses.replace(p, annotation=shield(p.annotation, names)) for p in op.params
        ),
        body=body,
        fields=tuple(
            dataclasses.replace(f, annotation=shield(f.annotation, names)) for f in op.fields
        ),
        return_annotation=shield(op.return_annotation, names),
        async_annotation=shield(op.async_annotation, names),
        raw_annotation=shield(op.raw_annotation, names),
        streams=streams,
        paging=paging,
    )
