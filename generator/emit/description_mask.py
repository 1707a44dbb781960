"""Descriptions taken out of datamodel-code-generator's input, and put back into its output.

A contract's most frequent edit is its prose. datamodel-code-generator writes a schema's
`description` (and a property's) as a docstring and nowhere else, yet its output is kept in the
models cache (generator.emit.models_cache) under a digest of its whole input: a reworded
description missed the cache and paid its import again, about half a second, most of a small
contract's `make generate`.

So it is given the schemas with each description replaced by a token (one per distinct text, so
texts that were equal stay equal), its output is kept under the digest of that, and the texts
are written back where the tokens stand, escaped and indented as its own docstrings are
(`_python_syntax.format_docstring` in datamodel-code-generator 0.89: backslashes, then triple
quotes, then NUL escaped; every non-empty line indented as the opening quotes are). A token found
anywhere but alone on a docstring's line means the output uses a description some other way:
`unmask` answers None and the caller runs datamodel-code-generator on the real input, as before.
tests/test_description_mask.py proves `unmask(run(mask(s))) == run(s)` on our contracts, the
fixtures, hostile texts and published documents.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Words datamodel-code-generator writes as they are: letters and digits, no case it would change.
_PREFIX = "OacMaskedDescription"
_TOKEN = re.compile(_PREFIX + r"(\d{6})x")
# A docstring datamodel-code-generator writes of a text (format_docstring): the opening quotes on
# their own line, the text's lines indented as the quotes are, the closing quotes alike.
_DOCSTRING_LINE = re.compile(
    r'(?P<indent>[ \t]*)"""\n(?P=indent)(?P<token>' + _PREFIX + r'\d{6}x)\n(?P=indent)"""'
)

# JSON Schema keywords whose value is a subschema, a list of them, or a map of them: the only
# places a `description` is a schema's (elsewhere, in `default`, `example`, `enum`, `const`,
# it is data, and a property may be named `description`).
_ONE = frozenset(
    (
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "if",
        "then",
        "else",
        "unevaluatedItems",
        "unevaluatedProperties",
        "additionalItems",
        "contentSchema",
    )
)
_ONE_OR_LIST = frozenset(("items",))  # a list in draft 4 / OpenAPI 3.0 tuple form
_LIST = frozenset(("allOf", "anyOf", "oneOf", "prefixItems"))
_MAP = frozenset(("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"))


@dataclass(frozen=True)
class Masked:
    """datamodel-code-generator's input with its descriptions as tokens, and the texts."""

    source: dict[str, Any]
    texts: tuple[str, ...]  # texts[n] stands where token n does


def mask_descriptions(source: dict[str, Any]) -> Masked | None:
    """`source` (a models document: components.schemas) with every non-blank description a token.

    None when there is nothing to mask, or when the document itself holds a token's spelling
    (the texts could not be told from the tokens).
    """
    schemas = source.get("components", {}).get("schemas")
    if not isinstance(schemas, dict):
        return None
    numbers: dict[str, int] = {}
    masked_schemas = {name: _masked(schema, numbers) for name, schema in schemas.items()}
    if not numbers:
        return None
    masked = {**source, "components": {**source["components"], "schemas": masked_schemas}}
    text = json.dumps(masked, ensure_ascii=False, default=repr)
    if text.count(_PREFIX) != _occurrences(masked_schemas):
        return None  # the document spells a token somewhere of its own
    return Masked(masked, tuple(numbers))


def unmask(code: str, masked: Masked) -> str | None:
    """`code` with each token's docstring holding its text again, or None when a token stands
    anywhere but alone in a docstring (or is missing: then the output did not come from
    `masked`)."""
    found: set[int] = set()

    def written(match: re.Match[str]) -> str:
        indent = match["indent"]
        number = int(match["token"][len(_PREFIX) : -1])
        if number >= len(masked.texts):
            raise _Unknown
        found.add(number)
        escaped = docstring_text(masked.texts[number])
        lines = "\n".join(f"{indent}{line}" if line else "" for line in escaped.split("\n"))
        return f'{indent}"""\n{lines}\n{indent}"""'

    try:
        result = _DOCSTRING_LINE.sub(written, code)
    except _Unknown:
        return None
    if _PREFIX in result:
        return None  # a token used some other way than as a docstring
    return result


def docstring_text(text: str) -> str:
    """`text` as it stands between the triple quotes of a docstring datamodel-code-generator
    writes: a backslash doubled first (so the escapes added next stay escapes), a triple quote
    escaped so it cannot close the docstring, a NUL (which a module cannot hold) as `\\x00`."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').replace("\0", "\\x00")


class _Unknown(Exception):
    """A token number the mask never gave out."""


def _token(text: str, numbers: dict[str, int]) -> str:
    number = numbers.setdefault(text, len(numbers))
    return f"{_PREFIX}{number:06d}x"


def _masked(schema: Any, numbers: dict[str, int]) -> Any:
    """A copy of `schema` with its descriptions (and its subschemas') as tokens; what is not a
    subschema is shared, not copied."""
    if isinstance(schema, list):
        return [_masked(item, numbers) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "description" and isinstance(value, str) and value.strip():
            result[key] = _token(value, numbers)
        elif key in _ONE:
            result[key] = _masked(value, numbers) if isinstance(value, dict) else value
        elif key in _ONE_OR_LIST or key in _LIST:
            result[key] = _masked(value, numbers) if isinstance(value, dict | list) else value
        elif key in _MAP and isinstance(value, dict):
            result[key] = {name: _masked(sub, numbers) for name, sub in value.items()}
        else:
            result[key] = value
    return result


def _occurrences(schemas: dict[str, Any]) -> int:
    """How many descriptions of `schemas` are tokens."""
    count = 0
    stack: list[Any] = list(schemas.values())
    while stack:
        schema = stack.pop()
        if isinstance(schema, list):
            stack.extend(schema)
            continue
        if not isinstance(schema, dict):
            continue
        description = schema.get("description")
        if isinstance(description, str) and _TOKEN.fullmatch(description):
            count += 1
        for key, value in schema.items():
            if key in _ONE or key in _ONE_OR_LIST or key in _LIST:
                stack.append(value)
            elif key in _MAP and isinstance(value, dict):
                stack.extend(value.values())
    return count
