"""Render the TypeScript plan (generator/plans/typescript.py) as `types.d.ts`. No decisions here.

Rendering appends to one list of strings and joins once: GitHub's description gives about
100,000 lines, and this keeps their rendering well under a second.
"""

from __future__ import annotations

from generator import memory
from generator.plans.typescript import (
    TsArray,
    TsGeneric,
    TsIntersection,
    TsObject,
    TsPlan,
    TsTuple,
    TsType,
    TsUnion,
    property_key,
)

_STEP = "    "


def render_types(plan: TsPlan) -> str:
    with memory.collector_paused():  # see build_typescript_plan
        return _render(plan)


def _render(plan: TsPlan) -> str:
    out: list[str] = [
        "/**\n",
        f" * {_comment(plan.title)} {_comment(plan.version)}: TypeScript declarations in the\n",
        " * conventions of openapi-typescript and openapi-fetch (`createClient<paths>()`).\n",
        " * Written by the contract toolkit's generator from openapi.yaml: do not edit.\n",
        " */\n\n",
    ]
    _declare(out, "paths", plan.paths)
    _declare(out, "webhooks", plan.webhooks)
    _declare(out, "components", plan.components)
    _declare(out, "requestSchemas", plan.request_schemas)
    out.append("export type $defs = Record<string, never>;\n")
    _declare(out, "operations", plan.operations)
    for helper in plan.helpers:
        out.append(helper + "\n")
    return "".join(out)


def _declare(out: list[str], name: str, body: TsObject | None) -> None:
    if body is None or not body.props:
        out.append(f"export type {name} = Record<string, never>;\n")
        return
    out.append(f"export interface {name} ")
    _object(out, body, "")
    out.append("\n")


def _comment(text: str) -> str:
    return " ".join(text.split()).replace("*/", "*\\/")


def _doc(out: list[str], lines: tuple[str, ...], indent: str) -> None:
    text = "\n".join(lines).replace("*/", "*\\/")
    if "\n" not in text:
        out.append(f"{indent}/** {text} */\n")
        return
    out.append(f"{indent}/**\n")
    for line in text.split("\n"):
        out.append(f"{indent} * {line}".rstrip() + "\n")
    out.append(f"{indent} */\n")


def _object(out: list[str], obj: TsObject, indent: str) -> None:
    if not obj.props and obj.index is None:
        out.append("Record<string, never>")
        return
    inner = indent + _STEP
    out.append("{\n")
    for prop in obj.props:  # _prop, inlined: it runs for every property of the file
        if prop.doc:
            _doc(out, prop.doc, inner)
        type_ = prop.type
        head = (
            f"{inner}{'readonly ' if prop.readonly else ''}{property_key(prop.name)}"
            f"{'?' if prop.optional else ''}: "
        )
        if isinstance(type_, str):
            out.append(f"{head}{type_};\n")
        else:
            out.append(head)
            _type(out, type_, inner)
            out.append(";\n")
    if obj.index is not None:
        out.append(f"{inner}[{obj.index_name}: string]: ")
        _type(out, obj.index, inner)
        out.append(";\n")
    out.append(indent + "}")


def _type(out: list[str], t: TsType, indent: str) -> None:
    if isinstance(t, str):
        out.append(t)
    elif isinstance(t, TsObject):
        _object(out, t, indent)
    elif isinstance(t, TsUnion):
        for i, item in enumerate(t.items):
            if i:
                out.append(" | ")
            _type(out, item, indent)
    elif isinstance(t, TsIntersection):
        for i, item in enumerate(t.items):
            if i:
                out.append(" & ")
            _grouped(out, item, indent, TsUnion)
    elif isinstance(t, TsArray):
        _grouped(out, t.item, indent, (TsUnion, TsIntersection))
        out.append("[]")
    elif isinstance(t, TsTuple):
        out.append("[")
        for i, item in enumerate(t.items):
            if i:
                out.append(", ")
            _type(out, item, indent)
        out.append("]")
    else:
        _generic(out, t, indent)


def _generic(out: list[str], t: TsGeneric, indent: str) -> None:
    out.append(f"{t.name}<")
    for i, arg in enumerate(t.args):
        if i:
            out.append(", ")
        _type(out, arg, indent)
    out.append(">")


def _grouped(out: list[str], t: TsType, indent: str, kinds: type | tuple[type, ...]) -> None:
    """`t`, in parentheses when it is one of `kinds` (a union inside an intersection...)."""
    if isinstance(t, kinds):
        out.append("(")
        _type(out, t, indent)
        out.append(")")
    else:
        _type(out, t, indent)
