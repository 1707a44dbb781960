"""The meta-schema checks of validation, built once per process and only when first asked for.

A check answers "valid?" with the Rust validator (jsonschema-rs, fast, no reasons) and lists the
errors of an invalid instance with the Python one (jsonschema, whose errors keep their context:
which branch of a oneOf failed, and where), imported only then. A valid document never imports
the Python validator stack.

The OpenAPI meta-schemas are openapi-spec-validator's own JSON files and the JSON Schema
meta-schemas jsonschema-specifications' (the very dicts `openapi_spec_validator.schemas` and
`jsonschema.validators` hold), read straight from the installed packages' folders: importing
those packages would bring in pydantic-settings, requests and the rest of their stacks (about a
third of a second) for two files.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from generator import timing

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def _package_file(package: str, *parts: str) -> Any:
    """A JSON file inside an installed package, read without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"{package} is not installed")
    return json.loads(Path(spec.origin).parent.joinpath(*parts).read_text(encoding="utf-8"))


@cache
def openapi_meta_schema(minor: str) -> dict[str, Any]:
    """The OpenAPI meta-schema of `minor` ("3.0", "3.1", "3.2"; "2.0" for Swagger 2.0)."""
    with timing.timed("validation: meta-schema read"):
        data: dict[str, Any] = _package_file(
            "openapi_spec_validator", "resources", "schemas", f"v{minor}", "schema.json"
        )
    return data


@cache
def draft_2020_12_meta_schema() -> dict[str, Any]:
    """JSON Schema 2020-12's meta-schema (with its vocabularies, resolved by the validators)."""
    data: dict[str, Any] = _package_file(
        "jsonschema_specifications", "schemas", "draft202012", "metaschema.json"
    )
    return data


class MetaCheck:
    """One meta-schema: `is_valid` by the fastest validator installed, `iter_errors` by
    jsonschema (each built on first use and kept)."""

    def __init__(self, schema: dict[str, Any], python_class: Any = None) -> None:
        self.schema = schema
        # A validator class or factory; None: jsonschema's `validator_for(schema)`.
        self._python_class = python_class
        self._fast: Any = None
        self._fast_tried = False
        self._python: Any = None

    def fast(self) -> Any:
        """The Rust validator, or None when jsonschema-rs is not installed."""
        if not self._fast_tried:
            self._fast_tried = True
            with timing.timed("validation: meta-schema validator built"):
                try:
                    import jsonschema_rs

                    self._fast = jsonschema_rs.validator_cls_for(self.schema)(self.schema)
                except Exception:  # optional: the Python validator decides alone
                    self._fast = None
        return self._fast

    def python(self) -> Any:
        if self._python is None:
            cls = self._python_class
            if cls is None:
                from jsonschema.validators import validator_for

                cls = validator_for(self.schema)
            self._python = cls(self.schema)
        return self._python

    def is_valid(self, instance: Any) -> bool:
        fast = self.fast()
        return bool(
            fast.is_valid(instance) if fast is not None else self.python().is_valid(instance)
        )

    def iter_errors(self, instance: Any) -> Iterator[Any]:
        return iter(self.python().iter_errors(instance))


@cache
def openapi_check(minor: str) -> MetaCheck:
    """The document against the OpenAPI meta-schema of `minor`."""
    return MetaCheck(openapi_meta_schema(minor))


_DIALECTS: dict[str, MetaCheck | None] = {}


def dialect_check(dialect: str) -> MetaCheck | None:
    """A schema against the meta-schema of its JSON Schema dialect; None for an unknown one.

    The default dialect of OpenAPI 3.1 (2020-12) is known without asking jsonschema; any other
    is looked up in jsonschema's table as before (`validator_for`, also with a trailing `#`).
    """
    key = dialect.rstrip("#")
    if key not in _DIALECTS:
        if key == DRAFT_2020_12:
            _DIALECTS[key] = MetaCheck(draft_2020_12_meta_schema(), _draft_2020_12_validator)
        else:
            from jsonschema.validators import validator_for

            unknown: Any = None
            cls = validator_for({"$schema": dialect}, default=unknown)
            if cls is None:
                cls = validator_for({"$schema": key + "#"}, default=unknown)
            _DIALECTS[key] = None if cls is None else MetaCheck(cls.META_SCHEMA, cls)
    return _DIALECTS[key]


def _draft_2020_12_validator(schema: Any) -> Any:
    """jsonschema's Draft202012Validator, imported when an invalid schema needs its reasons."""
    from jsonschema.validators import Draft202012Validator

    return Draft202012Validator(schema)
