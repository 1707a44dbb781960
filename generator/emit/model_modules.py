"""Split the models into a lazily loaded `models/` package.

The native emitter hands over its definitions as units (`split_units`); datamodel-code-generator's
one module is cut into the same units from its syntax tree first (`split_models`).

A rendering concern, driven only by the definitions and their references (the spec decisions
are all in the intermediate model):

- Every top-level definition is grouped under the schema it belongs to: a schema's own class, and
  the nested classes derived from it (both engines prefix them with the schema's name,
  `ChattyToolDefinitionFunction`; the longest schema name that prefixes a class wins).
- Groups that reference each other cyclically (a strongly connected component of the graph of
  class references) share one module, so modules import each other acyclically.
- One private module per group (`_realtime_token_response.py`: deterministic, unique
  case-insensitively) holds its definitions, imports what it uses from the other modules, and
  ends with the `model_rebuild()` calls of the classes it owns.
- `models/__init__.py` loads a module on first access of one of its names (PEP 562
  `__getattr__`, as the OpenAI SDK does), lists every name in `__all__`, and imports them all
  explicitly under `TYPE_CHECKING` so type checkers and IDEs see each one.

When the code holds a top-level statement this module does not understand, the whole code
becomes a single private module `_models.py` behind the same lazy `__init__`: always correct,
only less lazy.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.emit.model_imports import all_key, member_key, module_key
from generator.ir.naming import NameRegistry, snake

INIT_DOC = '''"""Pydantic v2 models of {title}.

Each model lives in a private module, imported on first use: `from {package}.models import X`
(or `models.X`) loads `X` and the models it refers to, nothing else. Every name is listed in
`__all__` and imported explicitly for type checkers under `TYPE_CHECKING`.
"""
'''
_MAX_MODULE_NAME = 80
_LINE_LENGTH = 100  # the formatter's


@dataclass
class Unit:
    """One top-level definition (or several sharing a statement): its names, source, references."""

    names: list[str]
    text: str
    refs: set[str] = field(default_factory=set)


@dataclass
class Parsed:
    imports: list[str]
    units: list[Unit]
    rebuilds: dict[str, list[str]]  # class name -> its model_rebuild() statements


def split_models(
    code: str, tree: ast.Module, package: str, schema_names: list[str], title: str
) -> dict[str, str]:
    """`{package}/models/...` path -> text (unformatted; the pipeline formats every file).

    `tree` is `ast.parse(code)`.
    """
    header, parsed = _parse(code, tree)
    if parsed is None:  # something unexpected: one module, still loaded lazily
        base = f"{package}/models"
        names = _defined_names(tree)
        lazy = _init(header, package, title, dict.fromkeys(names, "_models"))
        return {f"{base}/_models.py": code, f"{base}/__init__.py": lazy}
    return split_units(header, parsed, package, schema_names, title)


# How much text `split_units` gathers before it hands it on (the formatter's batches start at a
# megabyte: generator.formatting.EARLY_BYTES).
FLUSH_BYTES = 1_000_000


def split_units(
    header: str,
    parsed: Parsed,
    package: str,
    schema_names: list[str],
    title: str,
    imports_of: Callable[[str, dict[str, list[str]]], list[str]] | None = None,
    flush: Callable[[dict[str, str]], None] | None = None,
) -> dict[str, str]:
    """The models package of definitions already cut into units (names, text, references).

    `parsed.units` come in an order that defines a class's bases before the class.
    `imports_of(code, local)`: a module's import lines from its code and the names it takes
    from sibling modules; without it, every module gets `parsed.imports` (and its sibling
    imports), which the formatter prunes.
    `flush`: handed the modules written so far whenever they pass `FLUSH_BYTES` (the package's
    `__init__.py` first), so that the formatter starts on them while the rest are written;
    what is returned is then what was left.
    """
    base = f"{package}/models"
    defined = {name: unit for unit in parsed.units for name in unit.names}
    owner = _owners(parsed.units, schema_names)
    groups: dict[str, list[Unit]] = {}
    for unit in parsed.units:
        groups.setdefault(owner[unit.names[0]], []).append(unit)
    edges = {
        group: sorted({owner[r] for u in units for r in u.refs if owner[r] != group})
        for group, units in groups.items()
    }
    components = _strongly_connected(list(groups), edges)
    module_of_group: dict[str, str] = {}
    registry = NameRegistry(frozenset({"_init", "_models"}))
    for members in components:
        first = members[0]
        stem = snake(first, "model")[:_MAX_MODULE_NAME].rstrip("_")
        module = registry.claim(f"_{stem}")
        for group in members:
            module_of_group[group] = module
    module_of_name = {name: module_of_group[owner[name]] for name in defined}

    units_of_module: dict[str, list[Unit]] = {}
    for unit in parsed.units:  # in the given order, which defines before use
        units_of_module.setdefault(module_of_group[owner[unit.names[0]]], []).append(unit)
    files: dict[str, str] = {}
    init = f"{base}/__init__.py"
    if flush is not None:  # a package's `__init__.py` goes to the formatter before its modules
        files[init] = _init(header, package, title, module_of_name)
    size = 0
    for module, units in units_of_module.items():
        imported: dict[str, list[str]] = {}
        for ref in sorted({r for u in units for r in u.refs}):
            other = module_of_name[ref]
            if other != module:
                imported.setdefault(other, []).append(ref)
        if imports_of is not None:  # the native engine: exactly the imports used
            lines = [header, *imports_of("".join(u.text for u in units), imported)]
        else:  # pruned and sorted by the formatter
            lines = [header, *parsed.imports]
            lines += [
                f"from .{m} import {', '.join(names)}" for m, names in sorted(imported.items())
            ]
        lines.append("")
        lines += [u.text for u in units]
        rebuilds = [r for u in units for n in u.names for r in parsed.rebuilds.get(n, [])]
        if rebuilds:
            lines += ["", *rebuilds]
        text = files[f"{base}/{module}.py"] = "\n".join(lines) + "\n"
        size += len(text)
        if flush is not None and size >= FLUSH_BYTES:
            flush(files)
            files, size = {}, 0
    if flush is None:
        files[init] = _init(header, package, title, module_of_name)
    return files


def _parse(code: str, tree: ast.Module) -> tuple[str, Parsed | None]:
    lines = code.splitlines()
    header_lines = []
    for line in lines:
        if not line.startswith("#"):
            break
        header_lines.append(line)
    header = "\n".join(header_lines)
    imports: list[str] = []
    units: list[Unit] = []
    rebuilds: dict[str, list[str]] = {}

    def source(node: ast.stmt) -> str:
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        return "\n".join(lines[start - 1 : node.end_lineno])

    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(source(node))
        elif isinstance(node, ast.ClassDef):
            units.append(Unit([node.name], source(node)))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                return header, None
            units.append(Unit([t.id for t in targets if isinstance(t, ast.Name)], source(node)))
        elif _rebuilt_class(node) is not None:
            rebuilds.setdefault(_rebuilt_class(node) or "", []).append(source(node))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a module docstring
        else:
            return header, None
    names = {n for u in units for n in u.names}
    if len(names) != sum(len(u.names) for u in units) or not set(rebuilds) <= names:
        return header, None  # a name defined twice: keep datamodel-code-generator's order
    by_text = iter(units)
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.Assign | ast.AnnAssign):
            unit = next(by_text)
            unit.refs = {
                n.id
                for n in ast.walk(node)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in names
            } - set(unit.names)
    return header, Parsed(imports, units, rebuilds)


def _rebuilt_class(node: ast.stmt) -> str | None:
    """`X` for a statement `X.model_rebuild(...)`."""
    if (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "model_rebuild"
        and isinstance(node.value.func.value, ast.Name)
    ):
        return node.value.func.value.id
    return None


def _defined_names(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return list(dict.fromkeys(names))


def _owners(units: list[Unit], schema_names: list[str]) -> dict[str, str]:
    """Each defined name -> the group it joins.

    A schema is its own group. Any other class (one datamodel-code-generator derived) joins the
    group of the definitions that refer to it when they all belong to one group, and is a group
    of its own when several groups share it. One that nothing refers to, or that only a cycle of
    derived classes refers to, joins the schema whose name is its longest prefix (FullPath
    naming), or is a group of its own.
    """
    defined = [n for u in units for n in u.names]
    schemas = set(schema_names) & set(defined)
    lengths = sorted({len(s) for s in schemas}, reverse=True)
    unit_of = {n: u for u in units for n in u.names}
    referrers: dict[str, list[str]] = {n: [] for n in defined}
    for unit in units:
        for ref in sorted(unit.refs):
            referrers[ref].append(unit.names[0])
    owner: dict[str, str] = {}

    def by_prefix(name: str) -> str:
        return next((name[:n] for n in lengths if n <= len(name) and name[:n] in schemas), name)

    def resolve(name: str, visiting: set[str]) -> str | None:
        if name in owner:
            return owner[name]
        if name in schemas:
            return name
        if name in visiting:
            return None
        visiting.add(name)
        found = {resolve(r, visiting) for r in referrers[name] if r != name}
        visiting.discard(name)
        if None in found or not found:
            result = by_prefix(name)
        elif len(found) == 1:
            result = found.pop() or name
        else:
            result = name
        owner[name] = result
        return result

    for name in defined:
        head = unit_of[name].names[0]
        owner[name] = owner[head] if head in owner else (resolve(head, set()) or head)
    return owner


def _strongly_connected(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components in a deterministic order, members in `nodes` order."""
    order = {n: i for i, n in enumerate(nodes)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if i < len(targets):
                work.append((node, i + 1))
                target = targets[i]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component, key=order.__getitem__))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found, key=lambda c: order[c[0]])


def _init(header: str, package: str, title: str, module_of_name: dict[str, str]) -> str:
    names = sorted(module_of_name)
    by_module: dict[str, list[str]] = {}
    for name in names:
        by_module.setdefault(module_of_name[name], []).append(name)
    doc = INIT_DOC.format(title=title.replace('"', "'").replace("\\", "/"), package=package)
    lines = [header, doc, "from typing import TYPE_CHECKING, Any", ""]
    lines.append("if TYPE_CHECKING:")
    for module in sorted(by_module, key=module_key):  # in ruff's order: nothing to fix
        lines += [_reexport(f".{module}", n) for n in sorted(by_module[module], key=member_key)]
    if not names:
        lines.append("    pass")
    lines.append("")
    # in the order of ruff's RUF022 (isort-style), so its check pass finds nothing to fix
    listed = sorted(names, key=all_key)
    lines.append("__all__ = [" + ", ".join(f'"{n}"' for n in listed) + "]")
    lines.append("")
    lines.append("_MODULES: dict[str, str] = {")
    lines += [f'    "{n}": "{module_of_name[n]}",' for n in names]
    lines.append("}")
    lines.append("")
    lines += _LAZY.splitlines()
    return "\n".join(lines) + "\n"


def _reexport(module: str, name: str) -> str:
    """`from <module> import <name> as <name>`, indented, wrapped where ruff's isort wraps it."""
    line = f"    from {module} import {name} as {name}"
    if len(line) <= _LINE_LENGTH:
        return line
    return f"    from {module} import (\n        {name} as {name},\n    )"


# Behind `not TYPE_CHECKING`: a module `__getattr__` would make type checkers accept any name.
_LAZY = """
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        module = _MODULES.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
"""
