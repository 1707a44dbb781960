"""Overlay targets that only name members, resolved without the JSONPath engine.

Nearly every overlay target in practice is a chain of member names:
`$.paths['/pets'].get.responses['200']`, `$.components.schemas.Pet`. Such a query (RFC 9535:
the root, then name selectors only, in dot or bracket notation) selects at most one node, the
one reached by looking each name up in an object. Resolving it here spares a run the import of
python-jsonpath (about a tenth of a second on the shared machine, more than all of an overlay's
work). Anything else - wildcards, indexes, slices, filters, descendants, escapes in a name,
blank space - is not parsed here: `parse` answers None and the caller asks the JSONPath engine,
which also words the error of a malformed query. `tests/test_overlay_plain_path.py` checks that
both give the same matches.
"""

from __future__ import annotations

import re
from typing import Any

# RFC 9535 member-name-shorthand: name-first (ALPHA, "_", non-ASCII outside the surrogates),
# then name-chars (name-first or DIGIT).
_SHORTHAND = (
    r"\.([A-Za-z_\u0080-\ud7ff\ue000-\U0010ffff][A-Za-z0-9_\u0080-\ud7ff\ue000-\U0010ffff]*)"
)
# A quoted name in brackets, without escapes (a backslash goes to the engine). Inside single
# quotes a double quote is plain text and the other way round; control characters must be
# escaped in RFC 9535, so they are left to the engine as well.
_SINGLE = r"\['([^'\\\x00-\x1f]*)'\]"
_DOUBLE = r'\["([^"\\\x00-\x1f]*)"\]'
_SEGMENT = re.compile(f"{_SHORTHAND}|{_SINGLE}|{_DOUBLE}")


def parse(query: str) -> tuple[str, ...] | None:
    """The member names of a query that only names members, or None for any other query."""
    if not query.startswith("$"):
        return None
    names: list[str] = []
    at = 1
    while at < len(query):
        found = _SEGMENT.match(query, at)
        if found is None:
            return None
        names.append(next(group for group in found.groups() if group is not None))
        at = found.end()
    return tuple(names)


def matches(names: tuple[str, ...], document: Any) -> list[tuple[str, ...]]:
    """The node `names` reaches in `document` (its names, as one match), or no match."""
    node = document
    for name in names:
        if not isinstance(node, dict) or name not in node:
            return []
        node = node[name]
    return [names]
