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

from typing import Any

# Characters a name in brackets may hold without an escape: not its own quote, not a backslash,
# not a control character (RFC 9535 requires those escaped; escapes are left to the engine).
_UNESCAPED_MIN = 0x20


def parse(query: str) -> tuple[str, ...] | None:
    """The member names of a query that only names members, or None for any other query.

    Scanned by hand: a regular expression of RFC 9535's name characters (most of Unicode)
    takes longer to compile than every overlay of a run takes to resolve.
    """
    if not query.startswith("$"):
        return None
    names: list[str] = []
    at, end = 1, len(query)
    while at < end:
        if query[at] == ".":  # member-name-shorthand
            start = at = at + 1
            if at >= end or not _name_first(query[at]):
                return None
            while at < end and (_name_first(query[at]) or "0" <= query[at] <= "9"):
                at += 1
            names.append(query[start:at])
        elif query.startswith("['", at) or query.startswith('["', at):
            quote = query[at + 1]
            start = at = at + 2
            while at < end and query[at] != quote:
                if query[at] == "\\" or ord(query[at]) < _UNESCAPED_MIN:
                    return None
                at += 1
            if not query.startswith(quote + "]", at):
                return None
            names.append(query[start:at])
            at += 2
        else:
            return None
    return tuple(names)


def _name_first(char: str) -> bool:
    """RFC 9535 name-first: ALPHA, "_", or a character from U+0080 on that is not a surrogate."""
    code = ord(char)
    return (
        char == "_"
        or "a" <= char <= "z"
        or "A" <= char <= "Z"
        or 0x80 <= code <= 0xD7FF
        or code >= 0xE000
    )


def matches(names: tuple[str, ...], document: Any) -> list[tuple[str, ...]]:
    """The node `names` reaches in `document` (its names, as one match), or no match."""
    node = document
    for name in names:
        if not isinstance(node, dict) or name not in node:
            return []
        node = node[name]
    return [names]
