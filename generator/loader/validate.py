"""Validate a bundled document: our own structural checks first, then openapi-spec-validator.

The validator is only run once every `$ref` resolves (it raises on a dangling one instead of
reporting it) and its errors are turned into located problems. The Python validators (jsonschema,
openapi-schema-validator) are imported only when a document needs them: an invalid one, or a
default that is not plainly valid (generator.loader.meta_schema, generator.loader.default_check).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from generator.errors import Location, PointerPath, Problem, join_pointer, pointer_of
from generator.loader.default_check import plainly_valid
from generator.loader.meta_schema import dialect_check, openapi_check
from generator.loader.repair import (
    drop_invalid_keyword,
    drop_unknown_field,
    repair_document,
    resolve_local,
)
from generator.schema_walk import (
    iter_document_schema_paths,
    iter_subschema_paths,
    path_item_operations,
)

Locate = Callable[[str], Location]

_TYPES_30 = {"string", "number", "integer", "boolean", "array", "object"}
_TYPES_31 = _TYPES_30 | {"null"}


def openapi_minor(doc: Any) -> str | None:
    """ "3.0", "3.1" or "3.2" for a supported document, else None.

    OpenAPI 3.2 is a superset of 3.1 (the same JSON Schema 2020-12 dialect, no breaking
    change), so everything said of 3.1 below holds for 3.2; what 3.2 adds is read where it
    is used (`generator/schema_walk.py`, `generator/ir/`).
    """
    version = doc.get("openapi") if isinstance(doc, dict) else None
    if isinstance(version, str):
        match = re.fullmatch(r"3\.([012])\.\d+(-.+)?", version)
        if match:
            return f"3.{match.group(1)}"
    return None


# openapi-spec-validator's meta-schemas check the structure of the whole document in one pass
# (with the Rust backend when installed). Its per-keyword walk is not used: on GitHub's
# description it takes over 10 s, and what it adds over the meta-schema is checked below, faster
# and with pointers: schemas against their dialect, path parameters, operationIds, references.


def _structure_errors(doc: dict[str, Any], minor: str) -> list[Any]:
    """The document against the OpenAPI meta-schema.

    The Rust validator (when installed) answers quickly for a valid document; only an invalid one
    is checked again with the Python validator, whose errors keep their context (which branch
    of a oneOf failed, and where) and which, like JSON Schema itself, treats `format` as an
    annotation: a pattern that is valid Python but not ECMA-262 is not a broken document.
    """
    check = openapi_check(minor)
    if check.is_valid(doc):
        return []
    return list(check.iter_errors(doc))


# Findings that do not stop generation: the document is usable, a user should still hear of them.
_WARNING_RULES = (("Unknown JSON Schema dialect", "unknown-dialect"),)
# Rounds of dropping refused schema keywords before what is left is reported as errors.
_DROP_ROUNDS = 4


def validate_document(
    doc: Any, locate: Locate, warnings: list[Problem] | None = None
) -> list[Problem]:
    """Problems that make `doc` unusable; softer findings go to `warnings` when given.

    `doc` is repaired in place first (generator/loader/repair.py): every repair is a warning
    naming its rule, and the validator judges the repaired document.
    """
    if warnings is None:
        warnings = []
    if not isinstance(doc, dict):
        return [Problem("an OpenAPI document must be a mapping at the top level", locate(""))]
    minor = openapi_minor(doc)
    if minor is None:
        if "swagger" in doc:
            return [
                Problem(
                    f"Swagger {doc['swagger']} is not supported; Swagger 2.0 and OpenAPI 3.0 to "
                    "3.2 are read",
                    locate("/swagger"),
                )
            ]
        return [
            Problem(
                f"unsupported `openapi` version {doc.get('openapi')!r}; expected 3.0.x, 3.1.x or 3.2.x (or Swagger 2.0)",
                locate("/openapi"),
            )
        ]
    if not any(
        isinstance(doc.get(k), dict) and doc[k] for k in ("paths", "components", "webhooks")
    ):
        return [
            Problem(
                "nothing to generate: the document has no `paths`, `webhooks` or `components`",
                locate(""),
            )
        ]
    # One walk over every schema: repair's, which hands each schema, repaired, to the checks.
    schemas = _SchemaChecks(minor, locate)
    warnings.extend(repair_document(doc, minor, locate, schemas.visit))
    problems = _check_paths(doc, locate, warnings) + schemas.type_problems
    problems += _check_path_parameters(doc, locate)
    # What the walk found stands for the document until a keyword is dropped below; after a
    # drop the schemas are walked again.
    walked: _SchemaChecks | None = schemas
    try:
        for round_ in range(_DROP_ROUNDS + 1):
            # The dialect warnings of the first round only: later rounds find the same ones.
            found = _structure_problems(doc, minor, warnings if round_ == 0 else [], locate, walked)
            refused = [p for p in found if p.rule is None]
            if not refused or round_ == _DROP_ROUNDS:
                break
            dropped = False
            for problem in refused:
                hit = drop_invalid_keyword(doc, problem.location.pointer)
                if hit is None and problem.message.startswith(UNKNOWN_FIELD):
                    hit = drop_unknown_field(doc, problem.location.pointer)
                if hit is not None:
                    dropped = True
                    walked = None
                    warnings.append(Problem(f"{problem.message}: dropped", locate(hit[0]), hit[1]))
            if not dropped:
                break
        for problem in found:
            (warnings if problem.rule else problems).append(problem)
    except Exception as exc:  # the validator crashes on some malformed inputs; never show that
        problems.append(
            Problem(f"the document could not be validated: {type(exc).__name__}: {exc}", locate(""))
        )
    if not problems:
        warnings.extend(_check_values(doc, minor, locate, walked))
    return problems


class _SchemaChecks:
    """The checks of every schema, made during repair's walk (generator/loader/repair.py),
    each schema seen once its repairs are done: a wrong `type` (an error), and the schemas the
    later checks read (those with a `default`; the roots of dialect checks), kept for them.
    A place becomes a pointer only for a finding."""

    def __init__(self, minor: str, locate: Locate) -> None:
        self.minor = minor
        self.locate = locate
        self.allowed = _TYPES_30 if minor == "3.0" else _TYPES_31
        self.type_problems: list[Problem] = []
        # (place, schema) of every schema with a `default`, outside draft 4 (or 3) schemas.
        self.defaults: list[tuple[PointerPath, dict[str, Any]]] = []
        # OpenAPI 3.1 and later: (place, schema) of every top-level schema and every nested one
        # that names its own `$schema`.
        self.dialect_roots: list[tuple[PointerPath, dict[str, Any]]] = []

    def visit(self, at: PointerPath, node: dict[str, Any], top: PointerPath, draft4: bool) -> None:
        declared = node.get("type")
        if declared is not None and (type(declared) is not str or declared not in self.allowed):
            self.type_problems += _type_problems(declared, at, self.minor, self.locate)
        if "default" in node and not draft4:
            self.defaults.append((at, node))
        if self.minor != "3.0" and (at is top or "$schema" in node):
            self.dialect_roots.append((at, node))


def _structure_problems(
    doc: dict[str, Any],
    minor: str,
    warnings: list[Problem],
    locate: Locate,
    walked: _SchemaChecks | None = None,
) -> list[Problem]:
    """Meta-schema findings, located and without duplicates; warnings carry their rule."""
    structural = _structure_errors(doc, minor)
    if minor != "3.0":
        structural += _schema_dialect_errors(doc, warnings, locate, walked)
    seen: set[tuple[str, str, str | None]] = set()
    found: list[Problem] = []
    for error in structural:
        for problem in _from_validation_error(error, locate):
            for prefix, rule in _WARNING_RULES:
                if problem.message.startswith(prefix):
                    problem = Problem(problem.message, problem.location, rule)
            # An error in a shared file is kept once per place that reaches it (the report
            # prints it once with those places); a warning once.
            via = None if problem.rule else problem.location.via
            key = (problem.location.pointer, problem.message, via)
            if key in seen:
                continue
            seen.add(key)
            found.append(problem)
    return found


def located_problems(errors: Any, locate: Locate) -> list[Problem]:
    """jsonschema errors of a meta-schema as located problems, without duplicates."""
    seen: set[tuple[str, str]] = set()
    found: list[Problem] = []
    for error in errors:
        for problem in _from_validation_error(error, locate):
            key = (problem.location.pointer, problem.message)
            if key not in seen:
                seen.add(key)
                found.append(problem)
    return found


def _best_error(error: Any) -> Any:
    """The error to report for a failed `oneOf`/`anyOf`: the best-matching branch's own.

    The OpenAPI meta-schemas say "a Reference or an X" everywhere; jsonschema's `best_match`
    prefers the shallowest error, which is the Reference branch's "'$ref' is a required
    property" whatever the real fault of the X is. Branches that only miss `$ref` are set aside.
    """
    from jsonschema.exceptions import ValidationError  # an invalid document only

    while isinstance(error, ValidationError) and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branch = sub.relative_schema_path[0] if sub.relative_schema_path else None
            branches.setdefault(branch, []).append(sub)
        useful = [
            sub
            for subs in branches.values()
            if not all(s.validator == "required" and "'$ref'" in str(s.message) for s in subs)
            for sub in subs
        ]
        error = max(useful or error.context, key=_relevance)
    return error


def _relevance(error: Any) -> Any:
    # Deeper errors name the faulty keyword itself; among equals, jsonschema's own order.
    from jsonschema.exceptions import relevance

    return (len(error.absolute_path), relevance(error))


def _from_validation_error(error: Any, locate: Locate) -> list[Problem]:
    schema_location = getattr(error, "schema_location", None)
    error = _best_error(error)
    path = [str(p) for p in getattr(error, "absolute_path", None) or []]
    if schema_location:
        # Errors raised inside a schema are relative to it.
        path = list(schema_location) + [str(p) for p in getattr(error, "path", None) or []]
    pointer = join_pointer("", *path)
    extras = _unknown_fields(error)
    if extras:
        # One finding per unknown field, located at the field itself.
        return [
            Problem(f"{UNKNOWN_FIELD} {name!r}", locate(join_pointer(pointer, name)))
            for name in extras
        ]
    message = str(getattr(error, "message", error)).splitlines()[0]
    if len(message) > 300:
        message = message[:297] + "..."
    return [Problem(message, locate(pointer))]


UNKNOWN_FIELD = "unknown field"


def _unknown_fields(error: Any) -> list[str]:
    """The fields an `additionalProperties: false` (or, in the OpenAPI 3.2 meta-schema,
    `unevaluatedProperties: false`) error is about."""
    from jsonschema.exceptions import ValidationError  # an invalid document only

    if isinstance(error, ValidationError) and error.validator == "unevaluatedProperties":
        listed = re.search(r"\((.*) (?:was|were) unexpected\)", str(error.message))
        if not listed or not isinstance(error.instance, dict):
            return []
        return [
            n for n in re.findall(r"'((?:[^'\\]|\\.)*)'", listed.group(1)) if n in error.instance
        ]
    if not isinstance(error, ValidationError) or error.validator != "additionalProperties":
        return []
    if not isinstance(error.instance, dict) or not isinstance(error.schema, dict):
        return []
    known = error.schema.get("properties") or {}
    patterns = list((error.schema.get("patternProperties") or {}).keys())
    return [
        str(name)
        for name in error.instance
        if name not in known and not any(re.search(p, str(name)) for p in patterns)
    ]


def _check_values(
    doc: dict[str, Any], minor: str, locate: Locate, walked: _SchemaChecks | None = None
) -> list[Problem]:
    """Defaults that do not match their schema: warnings, each with its pointer."""
    registry: Any = None
    validator_cls: Any = None
    found: list[Problem] = []
    for at, sub in walked.defaults if walked is not None else _schemas_with_default(doc):
        if "default" not in sub or "$ref" in sub or plainly_valid(sub, sub["default"]):
            continue
        if validator_cls is None:  # the first default that needs the validators
            registry, validator_cls = _default_validators(doc, minor)
        try:
            errors = validator_cls(sub, registry=registry).iter_errors(sub["default"])
            error = _best_match(errors)
        except Exception:  # an unresolvable or exotic schema: nothing to say of its default
            continue
        if error is not None:
            found.append(
                Problem(
                    f"default does not match its schema: {str(error.message)[:200]}: "
                    "kept as written",
                    locate(pointer_of((at, "default"))),
                    "default-mismatch",
                )
            )
    return found


def _schemas_with_default(doc: dict[str, Any]) -> Iterator[tuple[PointerPath, dict[str, Any]]]:
    for top, schema in iter_document_schema_paths(doc):
        dialect = str(schema.get("$schema", "")) if isinstance(schema, dict) else ""
        if "draft-04" in dialect or "draft-03" in dialect:
            continue  # boolean exclusive bounds: the OpenAPI validators would misread them
        for at, sub in iter_subschema_paths(schema, top):
            if "default" in sub:
                yield at, sub


def _best_match(errors: Any) -> Any:
    from jsonschema.exceptions import best_match

    return best_match(errors)


def _default_validators(doc: dict[str, Any], minor: str) -> tuple[Any, Any]:
    """The document as a registry, and the OpenAPI validator class of `minor`."""
    from openapi_schema_validator import OAS30Validator, OAS31Validator, OAS32Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resource: Resource[Any] = Resource.from_contents(doc, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("", resource)
    validator_cls: Any = {"3.0": OAS30Validator, "3.1": OAS31Validator}.get(minor, OAS32Validator)
    return registry, validator_cls


def _schema_dialect_errors(
    doc: dict[str, Any], warnings: list[Problem], locate: Locate, walked: _SchemaChecks | None
) -> list[Any]:
    """OpenAPI 3.1 schemas against the meta-schema of their dialect (2020-12 unless `$schema`)."""
    errors: list[Any] = []
    default_dialect = str(
        doc.get("jsonSchemaDialect") or "https://json-schema.org/draft/2020-12/schema"
    )
    roots = walked.dialect_roots if walked is not None else _dialect_roots(doc)
    for at, sub in roots:
        dialect = str(sub.get("$schema") or default_dialect)
        checker = dialect_check(dialect)
        if checker is None:
            warnings.append(
                Problem(
                    f"Unknown JSON Schema dialect {dialect!r}: schema not checked",
                    locate(pointer_of((at, "$schema"))),
                    "unknown-dialect",
                )
            )
            continue
        if checker.is_valid(sub):
            continue
        for error in checker.iter_errors(sub):
            error.schema_location = [*_tokens(pointer_of(at))]
            errors.append(error)
    return errors


def _dialect_roots(doc: dict[str, Any]) -> Iterator[tuple[PointerPath, dict[str, Any]]]:
    """Every top-level schema, and every nested one that names its own `$schema` (the others
    are covered by the meta-schema of their root)."""
    for top, schema in iter_document_schema_paths(doc):
        for at, sub in iter_subschema_paths(schema, top):
            if at is top or "$schema" in sub:
                yield at, sub


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _check_path_parameters(doc: dict[str, Any], locate: Locate) -> list[Problem]:
    """Every `{name}` in a path is a declared path parameter, and every path parameter is used."""
    problems: list[Problem] = []
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict) or "$ref" in item:
            continue
        at = join_pointer("/paths", path)
        in_template = set(re.findall(r"\{([^}/]+)\}", path))
        shared = _path_params(doc, item.get("parameters"))
        for method, tokens, op in path_item_operations(item):
            declared = shared | _path_params(doc, op.get("parameters"))
            for name in sorted(in_template - declared):
                problems.append(
                    Problem(
                        f"path parameter {name!r} of {path!r} is not declared for {method.upper()}",
                        locate(join_pointer(at, *tokens)),
                    )
                )
            for name in sorted(declared - in_template):
                problems.append(
                    Problem(
                        f"path parameter {name!r} is declared but {path!r} has no {{{name}}}",
                        locate(join_pointer(at, *tokens)),
                    )
                )
    return problems


def _path_params(doc: dict[str, Any], params: Any) -> set[str]:
    names = set()
    for param in params or []:
        seen = 0
        while isinstance(param, dict) and isinstance(param.get("$ref"), str) and seen < 20:
            seen += 1
            param = resolve_local(doc, param["$ref"])  # a list index may be on the way
        if (
            isinstance(param, dict)
            and param.get("in") == "path"
            and isinstance(param.get("name"), str)
        ):
            names.add(param["name"])
    return names


def _template_key(path: str) -> str:
    return re.sub(r"\{[^}/]*\}", "{}", path.rstrip("/") or "/")


def _check_paths(doc: dict[str, Any], locate: Locate, warnings: list[Problem]) -> list[Problem]:
    problems: list[Problem] = []
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        return problems
    first: dict[str, str] = {}
    operation_ids: dict[str, str] = {}
    for path, item in paths.items():
        at = join_pointer("/paths", path)
        key = _template_key(path)
        if key in first:
            other = paths[first[key]] if isinstance(paths[first[key]], dict) else {}
            mine = {m for m, _, _ in path_item_operations(item)}
            clash = [m for m, _, _ in path_item_operations(other) if m in mine]
            message = f"duplicate path: {path!r} matches the same requests as {first[key]!r}"
            if clash:
                # The same method on both (Google's descriptions have these): the client can
                # call either; a server can only route one of them, the first.
                both = ", ".join(m.upper() for m in clash)
                message += f" ({both} on both): both kept, the server routes {first[key]!r}"
            else:
                # Different methods on equivalent templates (GitHub's description has these): the
                # operations stay distinct, so they are generated, with a warning.
                message += ": both kept"
            warnings.append(Problem(message, locate(at), "equivalent-path-templates"))
        else:
            first[key] = path
        if not isinstance(item, dict):
            continue
        for _method, tokens, op in path_item_operations(item):
            if isinstance(op.get("operationId"), str):
                op_id = op["operationId"]
                op_at = join_pointer(at, *tokens, "operationId")
                if op_id in operation_ids:
                    problems.append(
                        Problem(
                            f"duplicate operationId {op_id!r} (first at {operation_ids[op_id]})",
                            locate(op_at),
                        )
                    )
                else:
                    operation_ids[op_id] = op_at
    return problems


def _type_problems(declared: Any, at: PointerPath, minor: str, locate: Locate) -> list[Problem]:
    """A schema's `type` values that are not JSON Schema types (after repair: none is left)."""
    allowed = _TYPES_30 if minor == "3.0" else _TYPES_31
    problems: list[Problem] = []
    values = declared if isinstance(declared, list) and minor != "3.0" else [declared]
    for value in values:
        if not isinstance(value, str) or value not in allowed:
            problems.append(
                Problem(
                    f"invalid schema type {value!r}; expected one of {', '.join(sorted(allowed))}",
                    locate(pointer_of((at, "type"))),
                )
            )
    return problems
