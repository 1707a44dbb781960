"""Validate a bundled document: our own structural checks first, then openapi-spec-validator.

The validator is only run once every `$ref` resolves (it raises on a dangling one instead of
reporting it) and its errors are turned into located problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import validator_for
from openapi_schema_validator import OAS30Validator, OAS31Validator
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import schema_v30, schema_v31
from openapi_spec_validator.schemas.backend import get_validator_for
from openapi_spec_validator.validation import keywords
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.errors import Location, Problem, join_pointer
from generator.schema_walk import HTTP_METHODS, iter_document_schemas, iter_subschemas

Locate = Callable[[str], Location]

_TYPES_30 = {"string", "number", "integer", "boolean", "array", "object"}
_TYPES_31 = _TYPES_30 | {"null"}


def openapi_minor(doc: Any) -> str | None:
    """ "3.0" or "3.1" for a supported document, else None."""
    version = doc.get("openapi") if isinstance(doc, dict) else None
    if isinstance(version, str):
        match = re.fullmatch(r"3\.([01])\.\d+(-.+)?", version)
        if match:
            return f"3.{match.group(1)}"
    return None


class _SkipValues(keywords.ValueValidator):
    """Default values are checked by `_check_values`, which can say where they are."""

    def __call__(self, schema: Any, value: Any) -> Any:
        return iter(())


def _locating(base: Any) -> Any:
    """A schema keyword validator that records which schema an error came from.

    openapi-spec-validator reports a bad schema relative to the schema itself; the pointer of
    the schema in the document is what a user needs to find it.
    """

    class Locating(base):  # type: ignore[misc]
        def __call__(
            self, schema: Any, require_properties: bool = True, meta_checked: bool = False
        ) -> Any:
            for error in super().__call__(schema, require_properties, meta_checked):
                if getattr(error, "schema_location", None) is None:
                    error.schema_location = [str(p) for p in schema.parts]
                yield error

    return Locating


class _NoStructureCheck:
    """The structural (meta-schema) check runs separately, in `_structure_errors`."""

    def iter_errors(self, instance: Any) -> Any:
        return iter(())


class _V30(OpenAPIV30SpecValidator):
    schema_validator = _NoStructureCheck()
    keyword_validators = {  # noqa: RUF012 - the library's own class attribute
        **OpenAPIV30SpecValidator.keyword_validators,
        "default": _SkipValues,
        "schema": _locating(keywords.OpenAPIV30SchemaValidator),
    }


class _V31(OpenAPIV31SpecValidator):
    schema_validator = _NoStructureCheck()
    keyword_validators = {  # noqa: RUF012 - the library's own class attribute
        **OpenAPIV31SpecValidator.keyword_validators,
        "default": _SkipValues,
        "schema": _locating(keywords.OpenAPIV31SchemaValidator),
    }


def _structure_errors(doc: dict[str, Any], minor: str) -> list[Any]:
    """The document against the OpenAPI meta-schema.

    The Rust validator (when installed) answers quickly for a valid document; only an invalid one
    is checked again with the Python validator, whose errors keep their context (which branch
    of a oneOf failed, and where) and which, like JSON Schema itself, treats `format` as an
    annotation: a pattern that is valid Python but not ECMA-262 is not a broken document.
    """
    meta = schema_v31 if minor == "3.1" else schema_v30
    if get_validator_for(meta).is_valid(doc):
        return []
    return list(validator_for(meta)(meta).iter_errors(doc))


# Findings that do not stop generation: the document is usable, a user should still hear of them.
_WARNING_PREFIXES = ("Unknown JSON Schema dialect",)


def validate_document(
    doc: Any, locate: Locate, warnings: list[Problem] | None = None
) -> list[Problem]:
    """Problems that make `doc` unusable; softer findings go to `warnings` when given."""
    if warnings is None:
        warnings = []
    if not isinstance(doc, dict):
        return [Problem("an OpenAPI document must be a mapping at the top level", locate(""))]
    minor = openapi_minor(doc)
    if minor is None:
        if "swagger" in doc:
            return [
                Problem(
                    "Swagger/OpenAPI 2.0 is not supported; convert it to OpenAPI 3.x",
                    locate("/swagger"),
                )
            ]
        return [
            Problem(
                f"unsupported `openapi` version {doc.get('openapi')!r}; expected 3.0.x or 3.1.x",
                locate("/openapi"),
            )
        ]
    problems = _check_paths(doc, locate) + _check_schema_types(doc, minor, locate)
    validator_cls = _V31 if minor == "3.1" else _V30
    seen: set[tuple[str, str]] = set()
    try:
        for error in [*_structure_errors(doc, minor), *validator_cls(doc).iter_errors()]:
            problem = _from_validation_error(error, locate)
            key = (problem.location.pointer, problem.message)
            if key in seen:
                continue
            seen.add(key)
            if problem.message.startswith(_WARNING_PREFIXES):
                warnings.append(problem)
            else:
                problems.append(problem)
    except Exception as exc:  # the validator crashes on some malformed inputs; never show that
        problems.append(
            Problem(f"the document could not be validated: {type(exc).__name__}: {exc}", locate(""))
        )
    if not problems:
        warnings.extend(_check_values(doc, minor, locate))
    return problems


def _from_validation_error(error: Any, locate: Locate) -> Problem:
    schema_location = getattr(error, "schema_location", None)
    if isinstance(error, ValidationError) and error.context:
        error = best_match(error.context) or error
    path = [str(p) for p in getattr(error, "absolute_path", None) or []]
    if schema_location:
        # Errors raised inside a schema are relative to it.
        path = list(schema_location) + [str(p) for p in getattr(error, "path", None) or []]
    pointer = join_pointer("", *path)
    message = str(getattr(error, "message", error)).splitlines()[0]
    if len(message) > 300:
        message = message[:297] + "..."
    return Problem(message, locate(pointer))


def _check_values(doc: dict[str, Any], minor: str, locate: Locate) -> list[Problem]:
    """Defaults that do not match their schema: warnings, each with its pointer."""
    resource: Resource[Any] = Resource.from_contents(doc, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("", resource)
    validator_cls: Any = OAS31Validator if minor == "3.1" else OAS30Validator
    found: list[Problem] = []
    for top, schema in iter_document_schemas(doc):
        for at, sub in iter_subschemas(schema, top):
            if "default" not in sub or "$ref" in sub:
                continue
            try:
                errors = validator_cls(sub, registry=registry).iter_errors(sub["default"])
                error = best_match(errors)
            except Exception:  # an unresolvable or exotic schema: nothing to say of its default
                continue
            if error is not None:
                found.append(
                    Problem(
                        f"default does not match its schema: {str(error.message)[:200]}",
                        locate(join_pointer(at, "default")),
                    )
                )
    return found


def _template_key(path: str) -> str:
    return re.sub(r"\{[^}/]*\}", "{}", path.rstrip("/") or "/")


def _check_paths(doc: dict[str, Any], locate: Locate) -> list[Problem]:
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
            problems.append(
                Problem(
                    f"duplicate path: {path!r} matches the same requests as {first[key]!r}",
                    locate(at),
                )
            )
        else:
            first[key] = path
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict) and isinstance(op.get("operationId"), str):
                op_id = op["operationId"]
                op_at = join_pointer(at, method, "operationId")
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


def _check_schema_types(doc: dict[str, Any], minor: str, locate: Locate) -> list[Problem]:
    allowed = _TYPES_31 if minor == "3.1" else _TYPES_30
    problems: list[Problem] = []
    for top, schema in iter_document_schemas(doc):
        for at, sub in iter_subschemas(schema, top):
            declared = sub.get("type")
            if declared is None:
                continue
            values = declared if isinstance(declared, list) and minor == "3.1" else [declared]
            for value in values:
                if not isinstance(value, str) or value not in allowed:
                    problems.append(
                        Problem(
                            f"invalid schema type {value!r}; expected one of {', '.join(sorted(allowed))}",
                            locate(join_pointer(at, "type")),
                        )
                    )
    return problems
