"""Defaults that plainly match their schema, decided without the OpenAPI schema validators.

Validation warns of every `default` its schema refuses, with openapi-schema-validator's
OAS30Validator/OAS31Validator. Importing those costs about a fifth of a second (pydantic-settings,
requests and the rest of their stack), while nearly every default published is a string, number
or boolean beside a `type`, an `enum` and a few bounds, or an array of such values beside
`items` (GitHub's description has four, `["push"]`, and nothing else that needs the validators:
on that run their import was also about 17 MiB of the generator's resident memory).
`plainly_valid` answers True only for such a schema, and only when the value passes every
keyword the way those validators would judge it (no format checker, lengths in code points,
`enum` by equality of the same type, each item against `items`); anything else, a null or a
keyword not listed, gets False and goes to the validators as before. So a True never hides a
warning the validators would give.
"""

from __future__ import annotations

from typing import Any

# Keywords judged here (the annotations among them assert nothing); any other sends the schema
# to the full validator. `format` is an annotation: the validators run without a format checker.
_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "format",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "default",
        "description",
        "title",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
    }
)
# Judged for an array value only (a scalar beside them goes to the validators, as before).
_ARRAY_KEYWORDS = frozenset({"items", "minItems", "maxItems"})
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def _number(value: Any) -> bool:
    return type(value) in (int, float)


def plainly_valid(schema: dict[str, Any], value: Any) -> bool:
    """True when `value` certainly satisfies `schema` (which only uses the keywords above)."""
    if type(value) is list:
        return _plain_array(schema, value)
    if value is None or type(value) not in (str, int, float, bool):
        return False
    if any(k not in _KEYWORDS and not k.startswith("x-") for k in schema):
        return False
    declared = schema.get("type")
    if declared is not None:
        allowed = _TYPES.get(declared) if isinstance(declared, str) else None
        if allowed is None or type(value) not in allowed:
            return False
    if "enum" in schema:
        options = schema["enum"]
        if not isinstance(options, list):
            return False
        if not any(type(option) is type(value) and option == value for option in options):
            return False
    if "minimum" in schema or "maximum" in schema:
        low, high = schema.get("minimum"), schema.get("maximum")
        if not _number(value):
            return False
        if low is not None and (not _number(low) or value < low):
            return False
        if high is not None and (not _number(high) or value > high):
            return False
    if "minLength" in schema or "maxLength" in schema:
        shortest, longest = schema.get("minLength"), schema.get("maxLength")
        if not isinstance(value, str):
            return False
        if shortest is not None and (type(shortest) is not int or len(value) < shortest):
            return False
        if longest is not None and (type(longest) is not int or len(value) > longest):
            return False
    return True


def _plain_array(schema: dict[str, Any], value: list[Any]) -> bool:
    """An array beside `type: array`, `items` (each item plainly valid for it) and its bounds;
    any other assertion (`enum`, a scalar's bounds) goes to the validators."""
    if any(
        k not in _KEYWORDS and k not in _ARRAY_KEYWORDS and not k.startswith("x-") for k in schema
    ):
        return False
    if schema.get("type", "array") != "array":
        return False
    if any(k in schema for k in ("enum", "minimum", "maximum", "minLength", "maxLength")):
        return False
    shortest, longest = schema.get("minItems"), schema.get("maxItems")
    if shortest is not None and (type(shortest) is not int or len(value) < shortest):
        return False
    if longest is not None and (type(longest) is not int or len(value) > longest):
        return False
    if "items" in schema:
        items = schema["items"]
        if not isinstance(items, dict) or not all(plainly_valid(items, item) for item in value):
            return False
    return True
