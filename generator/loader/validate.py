"""Validate a bundled document: our own structural checks first, then openapi-spec-validator.

The validator is only run once every `$ref` resolves (it raises on a dangling one instead of
reporting it) and its errors are turned into located problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema.exceptions import ValidationError, best_match
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

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


def validate_document(doc: Any, locate: Locate) -> list[Problem]:
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
    validator_cls = OpenAPIV31SpecValidator if minor == "3.1" else OpenAPIV30SpecValidator
    seen: set[tuple[str, str]] = set()
    try:
        for error in validator_cls(doc).iter_errors():
            problem = _from_validation_error(error, locate)
            key = (problem.location.pointer, problem.message)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
    except Exception as exc:  # the validator crashes on some malformed inputs; never show that
        problems.append(
            Problem(f"the document could not be validated: {type(exc).__name__}: {exc}", locate(""))
        )
    return problems


def _from_validation_error(error: Any, locate: Locate) -> Problem:
    if isinstance(error, ValidationError) and error.context:
        error = best_match(error.context) or error
    path = list(getattr(error, "absolute_path", None) or [])
    pointer = join_pointer("", *path)
    message = str(getattr(error, "message", error)).splitlines()[0]
    return Problem(message, locate(pointer))


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
