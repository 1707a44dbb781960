"""Jinja2's `wordwrap` filter, to the character, mostly without `textwrap`.

The client's docstrings wrap every description an operation carries; on GitHub's description
that is about 7,300 lines of 2,500 distinct texts, and `textwrap` (a regular expression with
look-arounds to cut words, then a loop over every word) was a tenth of the client's rendering.
A line is cut here with string searches at each break instead, as textwrap's greedy fill
would cut it. Where that could differ, the line goes to textwrap itself:

- a word at a break holding a hyphen (with `break_on_hyphens`, textwrap may break inside it);
- a word or a run of spaces at a break longer than the width (textwrap breaks long words);
- a whitespace character other than textwrap's own (a no-break space is part of a word there,
  yet a word of nothing else counts as blank where a line starts or ends).

tests/test_emit_fast_paths.py compares the two on tricky and on random text.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache

# The characters textwrap cuts words at (its `_whitespace`, ASCII only). Inside one line of
# `str.splitlines()` only the space and the tab are left of them.
TEXTWRAP_WHITESPACE = "\t\n\x0b\x0c\r "
_BLANKS = " \t"
_OTHER_SPACE = re.compile(r"[^\S\t\n\x0b\x0c\r ]")


@lru_cache(maxsize=16384)
def wrapped(s: str, width: int, break_long_words: bool, newline: str, hyphens: bool) -> str:
    """What Jinja2's `wordwrap` gives: each line of `s` wrapped on its own, joined by `newline`.

    Each distinct text is wrapped once per process: a large document repeats its descriptions
    (GitHub's `per_page` on hundreds of operations).
    """
    return newline.join(
        [newline.join(wrap_line(line, width, break_long_words, hyphens)) for line in s.splitlines()]
    )


def wrap_line(line: str, width: int, break_long_words: bool, hyphens: bool) -> list[str]:
    """`textwrap.wrap(line, width, ...)` as Jinja2 calls it (tabs and whitespace kept as they are)."""
    if width > 0 and _OTHER_SPACE.search(line) is None:
        lines = _greedy(line, width, hyphens)
        if lines is not None:
            return lines
    return textwrap.wrap(
        line,
        width=width,
        expand_tabs=False,
        replace_whitespace=False,
        break_long_words=break_long_words,
        break_on_hyphens=hyphens,
    )


def _greedy(line: str, width: int, hyphens: bool) -> list[str] | None:
    """textwrap's fill of one line: as many whole words and runs of blanks on each line as fit,
    a run of blanks dropped at the end of a line and (after the first line) at its start.
    None where textwrap could cut otherwise (a hyphen or a too long word at a break)."""
    out: list[str] = []
    n = len(line)
    at = 0
    while at < n:
        if out:  # a line after the first starts after the blanks the break fell on
            while at < n and line[at] in _BLANKS:
                at += 1
            if at == n:
                break
        end = at + width  # the first character that does not fit
        if end >= n:
            cut = n
        else:
            # The chunk holding `end` (a word or a run of blanks) goes to the next line.
            if line[end] in _BLANKS:
                cut = end
                while cut > at and line[cut - 1] in _BLANKS:
                    cut -= 1
                after = end
                while after < n and line[after] in _BLANKS:
                    after += 1
            else:
                cut = max(line.rfind(" ", at, end), line.rfind("\t", at, end), at - 1) + 1
                spaces = [i for i in (line.find(" ", end), line.find("\t", end)) if i >= 0]
                after = min(spaces) if spaces else n
                if hyphens and "-" in line[cut:after]:
                    return None
            if after - cut > width:
                return None
        text = line[at:cut].rstrip(_BLANKS)
        if text:
            out.append(text)
        at = cut
    return out
