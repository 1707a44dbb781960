"""Pydantic v2 models rendered from the intermediate model's declarations (the native engine).

Every decision about the schemas is in generator.plans.model_plan; this module only writes each
declaration as Python source and hands the definitions to the lazily loaded `models/` package
(generator.emit.model_modules). It is the default engine: on a large document it is an order of
magnitude faster than datamodel-code-generator (see benchmarks/), which stays available per
target (`models-engine = "datamodel-code-generator"`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from generator.emit.datamodel_codegen import BASE_CLASS, HEADER
from generator.emit.model_imports import import_block
from generator.emit.model_modules import Parsed, Unit, split_units
from generator.ir.model import Document
from generator.plans.model_plan import ClassDecl, Decl, EnumDecl, ModelPlan, RootDecl

_INDENT = "    "


def emit_native_models(
    doc: Document,
    plan: ModelPlan,
    package: str,
    flush: Callable[[dict[str, str]], None] | None = None,
) -> dict[str, str]:
    """The `<package>/models/` package: path -> text (unformatted). With `flush`, the modules
    are handed to it as they are written, a megabyte at a time (split_units), and what is
    returned is what was left."""
    units = [Unit([d.name], _render(d), set(d.refs) - {d.name}) for d in plan.decls]
    rebuilds = {name: [f"{name}.model_rebuild()"] for name in sorted(plan.rebuild)}
    header = HEADER.rstrip("\n")
    parsed = Parsed([], units, rebuilds)  # imports: per module, by imports_of
    names = [s.python_name for s in doc.schemas]

    def imports_of(code: str, local: dict[str, list[str]]) -> list[str]:
        return import_block(code, package, BASE_CLASS, local)

    return split_units(header, parsed, package, names, doc.title, imports_of, flush)


def _render(decl: Decl) -> str:
    if isinstance(decl, ClassDecl):
        return _class(decl)
    if isinstance(decl, EnumDecl):
        return _enum(decl)
    return _root(decl)


def _class(decl: ClassDecl) -> str:
    bases = ", ".join(decl.bases) or BASE_CLASS
    lines = [f"class {decl.name}({bases}):"]
    body: list[str] = []
    if decl.description:
        body += [docstring(decl.description), ""]
    if decl.fallbacks:
        body += [*_fallback_comments(decl.fallbacks), ""]
    if decl.forbid_extra:
        body += ['model_config = ConfigDict(extra="forbid")', ""]
    if decl.alternatives is not None:
        sets, exactly_one = decl.alternatives
        call = f"_required_alternatives({[list(names) for names in sets]!r}, {exactly_one})"
        body += [f"_check_required_alternatives = {call}", ""]
    for f in decl.fields:
        arguments = ([f"alias={f.alias!r}"] if f.alias else []) + [
            f"{k}={v}" for k, v in f.constraints
        ]
        annotation = (
            f"Annotated[{f.annotation}, Field({', '.join(arguments)})]"
            if arguments
            else (f.annotation)
        )
        if f.fallbacks:
            body += _fallback_comments(f.fallbacks)
        body.append(f"{f.name}: {annotation}" + ("" if f.required else f" = {f.default}"))
        if f.description:
            body.append(docstring(f.description))
    lines += _indented(_with_statement(_trim(body)))
    return "\n".join(lines) + "\n\n"


def _enum(decl: EnumDecl) -> str:
    lines = [f"class {decl.name}({decl.base}):"]
    body: list[str] = []
    if decl.description:
        body += [docstring(decl.description), ""]
    body += [f"{member} = {value}" for member, value in decl.members]
    lines += _indented(body)
    return "\n".join(lines) + "\n\n"


def _root(decl: RootDecl) -> str:
    # A cycle through the root type: the generic argument would be evaluated before the model it
    # names exists; `root: <type>` is read lazily and types `.root` just as well.
    argument = "Any" if decl.deferred else decl.annotation
    lines = [f"class {decl.name}(RootModel[{argument}]):"]
    body: list[str] = []
    if decl.description:
        body += [docstring(decl.description), ""]
    if decl.fallbacks:
        body += [*_fallback_comments(decl.fallbacks), ""]
    if decl.python_re:
        body += ['model_config = ConfigDict(regex_engine="python-re")', ""]
    if decl.deferred:
        body.append(f"root: {decl.annotation}")
    lines += _indented(_with_statement(_trim(body)))
    return "\n".join(lines) + "\n\n"


def _fallback_comments(fallbacks: tuple[str, ...]) -> list[str]:
    """What the document says that the code cannot express, where the code stands (one line each)."""
    lines: list[str] = []
    for text in fallbacks:
        wrapped = textwrap.wrap(f"Typed fallback: {text}", width=88, break_long_words=False)
        lines += [f"# {line}" for line in wrapped]
    return lines


def _indented(body: list[str]) -> list[str]:
    """Body statements indented one level (every line of a multi-line docstring too)."""
    return [_INDENT + line if line else "" for item in body for line in item.split("\n")]


def _with_statement(body: list[str]) -> list[str]:
    """A class body that holds a statement: comments alone are no block."""
    if all(not line or line.startswith("#") for line in body):
        return [*body, "pass"]
    return body


def _trim(lines: list[str]) -> list[str]:
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def docstring(text: str) -> str:
    """A triple-quoted literal of `text`, escaped so any text stays a valid, unchanged string."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"""', '\\"\\"\\"')
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\t", "    ")
    )
    if not escaped.replace("\n", "").isprintable():  # most text is: no character to escape
        escaped = "".join(
            ch if ch == "\n" or ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
            for ch in escaped
        )
    if escaped.endswith('"'):
        escaped += " "
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"""{escaped}"""'
    return '"""' + lines[0] + "\n" + "\n".join(lines[1:]) + '\n"""'
