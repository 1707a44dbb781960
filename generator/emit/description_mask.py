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

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from generator.schema_walk import iter_subschemas

# Words datamodel-code-generator writes as they are: letters and digits, no case it would change.
_PREFIX = "OacMaskedDescription"
# A docstring datamodel-code-generator writes of a text (format_docstring): the opening quotes on
# their own line, the text's lines indented as the quotes are, the closing quotes alike.
_DOCSTRING_LINE = re.compile(
    r'(?P<indent>[ \t]*)"""\n(?P=indent)(?P<token>' + _PREFIX + r'\d{6}x)\n(?P=indent)"""'
)


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
    # A copy: the caller runs the real input when the masked one cannot be written back.
    masked_schemas = copy.deepcopy(schemas)
    numbers: dict[str, int] = {}
    tokens = 0
    for name, schema in masked_schemas.items():
        # Subschemas only: in `default`, `example`, `enum` or `const` a `description` is data,
        # and a property may be named `description`.
        for _, node in iter_subschemas(schema, name):
            text = node.get("description")
            if isinstance(text, str) and text.strip():
                node["description"] = _token(text, numbers)
                tokens += 1
    if not tokens:
        return None
    masked = {**source, "components": {**source["components"], "schemas": masked_schemas}}
    if json.dumps(masked, ensure_ascii=False, default=repr).count(_PREFIX) != tokens:
        return None  # the document spells a token somewhere of its own
    return Masked(masked, tuple(numbers))


def unmask(code: str, masked: Masked) -> str | None:
    """`code` with each token's docstring holding its text again, or None when a token stands
    anywhere but alone in a docstring. (A token may be missing: a description the models do not
    write, as the real run would not.)"""

    def written(match: re.Match[str]) -> str:
        indent = match["indent"]
        number = int(match["token"][len(_PREFIX) : -1])
        if number >= len(masked.texts):
            raise _Unknown
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
