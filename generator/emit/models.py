"""Pydantic v2 models, written by datamodel-code-generator (used as a library, pinned).

The emitter hands it only the named schemas the intermediate model chose (components and hoisted
inline schemas, already renamed to their Python names), so the classes it writes carry exactly
the names the client and server emitters refer to. Its one module is then split into the lazily
loaded `<package>/models/` package (generator.emit.model_modules).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.emit import datamodel_codegen, models_worker
from generator.emit.datamodel_codegen import (
    HEADER,
    ModelsEmitError,
    datamodel_codegen_module,
)
from generator.emit.description_mask import Masked, mask_descriptions, unmask
from generator.emit.model_modules import split_models
from generator.emit.models_cache import Compute, cached_models, is_cached
from generator.ir.model import Document, Warning_

# What a cached module depends on besides its input: the code that calls the tool.
CALLER = Path(datamodel_codegen.__file__)


# The largest request asked of the worker ahead of time (ask_models_beside): the run holds the
# other emitters' files meanwhile, which for a small document's one batch costs nothing.
MOST_ASKED_BESIDE = 1 << 20


def emit_models(
    doc: Document, package: str, worker: bool = False, asked: ModelsAsked | None = None
) -> dict[str, str]:
    """The `<package>/models/` package: path -> text (see generator.emit.model_modules).

    `worker`: the target's `models-worker` setting (generator.emit.models_worker); `asked`: the
    module asked of it ahead of time (ask_models_beside)."""
    code = emit_models_module(doc, package, worker, asked)
    tree = ast.parse(code)
    code, tree, unexpressed = narrowed_overrides(code, tree)
    _check_names(tree, [s.python_name for s in doc.schemas])
    pointers = {s.python_name: s.source_pointer for s in doc.schemas}
    for cls, prop in unexpressed:
        doc.warnings.append(
            Warning_(
                f"`{cls}` narrows the inherited property `{prop}` to a literal (a discriminator "
                "value) that its base type does not admit; the models keep the literal with "
                "`# type: ignore[assignment]` (typed fallback)",
                pointers.get(cls, "/components/schemas"),
                "discriminator-literal-fallback",
            )
        )
    return split_models(code, tree, package, [s.python_name for s in doc.schemas], doc.title)


def emit_models_module(
    doc: Document, package: str, worker: bool = False, asked: ModelsAsked | None = None
) -> str:
    """Every model in one module, as datamodel-code-generator writes it.

    Its output for the same input is kept in the user's cache (generator.emit.models_cache): a
    run whose schemas did not change since a run before never imports it (half a second of
    start-up, most of a small contract's regeneration). It is given the schemas with their
    descriptions as tokens, and the texts are written back into its docstrings
    (generator.emit.description_mask): a reworded description is a cache hit too.
    """
    if not doc.schemas:
        return HEADER
    given = models_input(doc) if asked is None else asked.input
    compute: Compute = datamodel_codegen_module
    if models_worker.wanted(worker):
        compute = _through_worker if asked is None else asked.or_else(_through_worker)
    if given.masked is not None:
        code = cached_models(given.first, package, given.strict_nullable, CALLER, compute)
        unmasked = unmask(code, given.masked)
        if unmasked is not None:
            return unmasked
        # A description written some other way than as a docstring: the real input, as before.
    return cached_models(given.source, package, given.strict_nullable, CALLER, compute)


@dataclass(frozen=True)
class ModelsInput:
    """What datamodel-code-generator is given for a document, built once per run: the named
    schemas, the same with their descriptions as tokens (None where that cannot be done), and
    the one setting that varies by document."""

    source: dict[str, Any]
    masked: Masked | None
    strict_nullable: bool

    @property
    def first(self) -> dict[str, Any]:
        """The input asked first: the one without its descriptions, where there is one."""
        return self.source if self.masked is None else self.masked.source


def models_input(doc: Document) -> ModelsInput:
    source = models_source(doc)
    return ModelsInput(source, mask_descriptions(source), doc.openapi.startswith("3.0"))


def ask_models_beside(doc: Document, package: str, worker: bool) -> ModelsAsked | None:
    """The module datamodel-code-generator will be asked for, asked of the warm worker now, in a
    thread, so that the run renders its other files while it answers (its ~50 ms on ServiceAi's
    contract were the difference between a schema edit and a description edit). None when there
    is nothing to wait for: the models cache has it, no worker runs, or the request is large."""
    if not doc.schemas or not models_worker.wanted(worker):
        return None
    given = models_input(doc)
    if is_cached(given.first, package, given.strict_nullable, CALLER):
        return None
    pending = models_worker.ask_beside(
        given.first, package, given.strict_nullable, MOST_ASKED_BESIDE
    )
    return None if pending is None else ModelsAsked(given, package, pending)


@dataclass(frozen=True)
class ModelsAsked:
    """A module asked of the worker ahead of time, and the input it was asked for, which
    emit_models_module then uses (built once); its answer serves that very input only."""

    input: ModelsInput
    package: str
    pending: models_worker.Pending

    def or_else(self, compute: Compute) -> Compute:
        def answered(source: dict[str, Any], package: str, strict_nullable: bool) -> str:
            if source is self.input.first and package == self.package:
                code = self.pending.code()
                if code is not None:
                    return code
            return compute(source, package, strict_nullable)

        return answered


def _through_worker(source: dict[str, Any], package: str, strict_nullable: bool) -> str:
    """datamodel-code-generator's module from the warm worker; without one, computed here and
    a worker started for the runs after this one."""
    code = models_worker.compute(source, package, strict_nullable)
    if code is None:
        code = datamodel_codegen_module(source, package, strict_nullable)
        models_worker.start()
    return code


def models_source(doc: Document) -> dict[str, Any]:
    """The document datamodel-code-generator is given: the named schemas alone (a 3.2
    document's as 3.1: their schemas are the same dialect)."""
    return {
        "openapi": "3.0.3" if doc.openapi.startswith("3.0") else "3.1.0",
        # Not the document's: datamodel-code-generator reads `info` only for a setting not used
        # here (--openapi-include-info-version), and a version bump must not miss the cache.
        "info": {"title": "models", "version": "0"},
        "paths": {},
        "components": {
            "schemas": {
                s.python_name: _null_defaults_allowed(s.schema, not doc.openapi.startswith("3.0"))
                for s in doc.schemas
            }
        },
    }


def _null_defaults_allowed(schema: Any, v31: bool) -> Any:
    """A copy where a schema whose `default` is null also admits null.

    Otherwise the models emitter writes `x: str = None`, which no type checker accepts; the
    document's own default says null is a value the property takes.
    """
    if isinstance(schema, list):
        return [_null_defaults_allowed(v, v31) for v in schema]
    if not isinstance(schema, dict):
        return schema
    result = {k: _null_defaults_allowed(v, v31) for k, v in schema.items()}
    if "default" in schema and schema["default"] is None:
        declared = schema.get("type")
        if not v31:
            result["nullable"] = True
        elif isinstance(declared, str) and declared != "null":
            result["type"] = [declared, "null"]
    return result


def _check_names(tree: ast.Module, expected: list[str]) -> None:
    """Every model the other emitters name must exist under exactly that name."""
    defined: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets: list[Any] = node.targets if isinstance(node, ast.Assign) else [node.target]
            defined.update(t.id for t in targets if isinstance(t, ast.Name))
    missing = [n for n in expected if n not in defined]
    if missing:
        raise ModelsEmitError(f"models emitter renamed or dropped: {', '.join(missing[:10])}")


def narrowed_overrides(
    code: str, tree: ast.Module
) -> tuple[str, ast.Module, list[tuple[str, str]]]:
    """Make the discriminator narrowings datamodel-code-generator writes valid overrides.

    A schema mapped by a discriminator gets its discriminating property as
    `Literal["value"]`, even when it inherits that property (allOf) as an enum. mypy rejects that
    override (a str literal is not an enum member). When every value is a member of the inherited
    enum the literal names the members instead (`Literal[EventType.APPLICATION_DENIED]`, exact
    for pydantic and for type checkers). Any other incompatible narrowing keeps its literal with
    `# type: ignore[assignment]` and is returned as (class, property) so the caller warns.
    Returns the code, its syntax tree, and those (class, property) pairs.
    """
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    enums: dict[str, dict[object, str]] = {}
    for node in classes.values():
        if any(isinstance(b, ast.Name) and b.id.endswith("Enum") for b in node.bases):
            enums[node.name] = {
                s.value.value: t.id
                for s in node.body
                if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)
                for t in s.targets
                if isinstance(t, ast.Name)
            }

    def inherited(cls: ast.ClassDef, prop: str) -> ast.expr | None:
        for base in cls.bases:
            parent = classes.get(base.id) if isinstance(base, ast.Name) else None
            if parent is None:
                continue
            for stmt in parent.body:
                if (
                    isinstance(stmt, ast.AnnAssign)
                    and isinstance(stmt.target, ast.Name)
                    and stmt.target.id == prop
                ):
                    return stmt.annotation
            found = inherited(parent, prop)
            if found is not None:
                return found
        return None

    edits: list[tuple[int, int, int, int, str]] = []  # (line, col, end line, end col, text)
    unexpressed: list[tuple[str, str]] = []
    for cls in classes.values():
        for stmt in cls.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            values = _literal_values(stmt.annotation)
            if values is None:
                continue
            base = inherited(cls, stmt.target.id)
            if base is None or _admits(base, values):
                continue
            enum = next((n for n in _names(base) if n in enums), None)
            members = enums.get(enum or "", {})
            if enum is not None and all(v in members for v in values):
                text = f"Literal[{', '.join(f'{enum}.{members[v]}' for v in values)}]"
                a = stmt.annotation
                edits.append(
                    (a.lineno, a.col_offset, a.end_lineno or 0, a.end_col_offset or 0, text)
                )
            else:
                # The comment goes at the end of the statement's first line, where mypy looks.
                lines = code.splitlines()
                end = len(lines[stmt.lineno - 1].encode("utf-8"))
                if "#" not in lines[stmt.lineno - 1]:
                    edits.append((stmt.lineno, end, stmt.lineno, end, _UNEXPRESSED_COMMENT))
                unexpressed.append((cls.name, stmt.target.id))
    if not edits:
        return code, tree, unexpressed
    # ast columns are UTF-8 byte offsets: edit the encoded lines.
    encoded = [line.encode("utf-8") for line in code.splitlines(keepends=True)]
    for line, col, end_line, end_col, text in sorted(edits, reverse=True):
        first, last = encoded[line - 1], encoded[end_line - 1]
        encoded[line - 1 : end_line] = [first[:col] + text.encode("utf-8") + last[end_col:]]
    code = b"".join(encoded).decode("utf-8")
    return code, ast.parse(code), unexpressed


# Said in the generated code where the narrowing cannot be expressed as a valid override.
_UNEXPRESSED_COMMENT = (
    "  # type: ignore[assignment]  # typed fallback: a discriminator value the inherited type"
    " does not admit"
)


def _literal_values(annotation: ast.expr) -> list[object] | None:
    """The values of `Literal[...]` (constants only), else None."""
    if not (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, ast.Name)
        and annotation.value.id == "Literal"
    ):
        return None
    elts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
    if not all(isinstance(e, ast.Constant) for e in elts):
        return None
    return [e.value for e in elts if isinstance(e, ast.Constant)]


def _names(annotation: ast.expr) -> list[str]:
    """The names of a union (`A | B | None`) or of a single name (inside `Annotated[...]`)."""
    annotation = _unannotated(annotation)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _names(annotation.left) + _names(annotation.right)
    if isinstance(annotation, ast.Name):
        return [annotation.id]
    if isinstance(annotation, ast.Constant) and annotation.value is None:
        return ["None"]
    return ["?"]


def _unannotated(annotation: ast.expr) -> ast.expr:
    """`X` for `Annotated[X, ...]`."""
    if (
        isinstance(annotation, ast.Subscript)
        and isinstance(annotation.value, ast.Name)
        and annotation.value.id == "Annotated"
        and isinstance(annotation.slice, ast.Tuple)
        and annotation.slice.elts
    ):
        return annotation.slice.elts[0]
    return annotation


def _admits(base: ast.expr, values: list[object]) -> bool:
    """Whether a literal of `values` is a valid override of a field annotated `base`."""
    base = _unannotated(base)
    if (base_values := _literal_values(base)) is not None:
        return all(v in base_values for v in values)
    names = _names(base)
    if "Any" in names:
        return True
    kinds: dict[str, tuple[type, ...]] = {
        "str": (str,),
        "int": (int,),
        "float": (int, float),
        "bool": (bool,),
    }
    return all(
        any(
            n in kinds and isinstance(v, kinds[n]) and (n == "bool" or not isinstance(v, bool))
            for n in names
        )
        for v in values
    )
