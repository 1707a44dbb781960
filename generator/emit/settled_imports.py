"""A rendered module's import block as ruff's `check --fix` would leave it: unused imports
dropped, the rest sorted and wrapped as its isort rules write them.

The server, adapter and client templates import every name a module may need (on GitHub's
description about 700 models per server module, most unused in any one of them) and list some
in the plan's order. The formatter (generator.formatting) skips ruff's check pass for these
modules (they are submitted settled) and only formats them, so what is written here must be
exactly what that pass would have left: the output stays byte-identical
(tests/test_settled_output.py proves it on documents of every kind: ruff, run without `--fix`,
finds nothing in them, and the output equals the output with the pass run). A name counts as
used when code reads it (`read_imports`: not in a comment or a docstring, not after a dot), or,
where the emitter knows the names its module reads, those (`uses`). Whether ruff reads a string
as a type is not decided here: a module where only a string names an import is kept whole and
left to ruff's check (`settle` says so; its emitter's `Files.unsettled`).

The block settled is the one after `from __future__ import annotations`: plain `import x` and
`from x import ...` statements (one line, or parenthesised one member per line), blank lines
between them; then, optionally, an `if TYPE_CHECKING:` whose body is such statements, and a
second block right after it. Anything else there (a comment, a `try`, `import a, b`, an import
after other code) leaves the text as it was.
Rules followed (ruff's isort defaults, as generator.emit.model_imports): sections standard
library, third party, first party (`package`), local (relative; furthest first), one blank line
between them; `import x` statements before `from` ones; statements of one module merged unless
aliased, ordered by their first member; a statement that had a trailing comma (ruff's "magic
trailing comma") or would pass 100 characters wrapped one member per line; one blank line after
the block, two when the next statement is a class, a function or a decorator. An import aliased
to its own name (`import a as a`) is a re-export, never unused. Inside `if TYPE_CHECKING:`, as
ruff's fixes leave it: an unused statement's line deleted, blank lines around it kept, `pass`
where none is left, the statements kept sorted (`_guarded`).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from typing import cast

from generator.emit.model_imports import member_key, module_key

_FUTURE = "from __future__ import annotations"
_LINE_LENGTH = 100

# On one line: a string (`text`, with the `prefix` that makes it an f-string; a `#` in it is no
# comment), or a comment. Triple-quoted strings first: `"""` is no empty string and a quote.
_ON_A_LINE = re.compile(
    r"(?P<prefix>[rRbBuUfF]{0,2})(?P<text>"
    r'"""[^"\\\n]*(?:(?:\\.|"(?!""))[^"\\\n]*)*"""'
    r"|'''[^'\\\n]*(?:(?:\\.|'(?!''))[^'\\\n]*)*'''"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')"
    r"|#[^\n]*"
)
_NAME = re.compile(r"(?<![.\w])[A-Za-z_]\w*")
_NON_WORD = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalnum() or c == "_")})
_NON_WORD_OR_DOT = str.maketrans(
    {c: " " for c in map(chr, range(128)) if not (c.isalnum() or c in "_.")}
)
_STRING_OR_COMMENT = re.compile("[\"'#]")
_LATE_IMPORT = re.compile(r"^(?:import|from)[ \t]", re.MULTILINE)
# The first line of the code after the block (blank lines and comments are not code).
_FOLLOWING = re.compile(r"^(?![ \t]*(?:#|$)).+", re.MULTILINE)
_NEXT_WANTS_TWO = re.compile(r"(class|def|async[ \t]+def)\b|@")


def used_on_a_line(line: str) -> set[str]:
    """The names one line of code may read: a superset of what ruff counts as a use.

    Not the words of a comment, nor those of a triple-quoted string (a docstring); those of
    every other string are (ruff reads a string as a type where it stands as one:
    `cast("Model", x)`, `cast("Literal['a']", x)`, and `__all__`'s entries as uses).
    """
    code, strings = _names_on_a_line(line)
    return code | strings


def _names_on_a_line(line: str) -> tuple[set[str], set[str]]:
    """The names one line of code reads, and the words of its strings that may be read: of
    every string but a triple-quoted one that is no f-string (prose)."""
    strings: set[str] = set()

    def blank(match: re.Match[str]) -> str:
        text = match.group("text")
        if text is not None and (
            text[:3] not in ('"""', "'''") or "f" in match.group("prefix").lower()
        ):
            strings.update(_NAME.findall(text))
        return " "

    return set(_NAME.findall(_ON_A_LINE.sub(blank, line))), strings


def used_imports(imported: set[str], code: str) -> set[str]:
    """The names of `imported` that `code` may read (`read_imports`: both sets)."""
    used, doubtful = read_imports(imported, code)
    return used | doubtful


def read_imports(imported: set[str], code: str) -> tuple[set[str], set[str]]:
    """The names of `imported` that `code` reads, and those only a string of it names.

    A name is read where it stands as a name in code: not after a dot (an attribute), not in a
    comment or a docstring. ruff also counts a string where it stands as a type
    (`cast("Model", x)`) or in `__all__`: whether a string does is not decided here, so a name
    only a string names is doubtful (its module is left to ruff's check: `settle`).

    Reading every line so took hundreds of milliseconds on a 3 MB module; most lines hold no
    string and no comment, and every word of those not after a dot is a name read. Only the
    imported names that are none of them are looked for on the other lines, one occurrence at
    a time. A docstring of several lines (its first line opening with three double quotes, its
    last ending with them) is prose and not read; should the triple quotes not pair up so
    (three quotes inside another string), every imported name the text holds is doubtful.
    Which names a line reads does not depend on where it stands, so each distinct line is read
    once (a 3 MB server module repeats most of its lines: about 93,000 distinct of 800,000 on
    GitHub's description).
    """
    outside = _outside_docstrings(code)
    if outside is None:  # every word a name, and every one doubtful: ruff decides
        every = imported & _words(code)
        return every, every
    lines = set(outside.split("\n"))
    other = set(filter(_STRING_OR_COMMENT.search, lines))
    used = imported & _read_words("\n".join(lines - other))
    doubtful: set[str] = set()
    rest = "\n".join(other)
    for name in (imported - used) & _words(rest):
        read, named = _read_on_a_line(name, rest)
        if read:
            used.add(name)
        elif named:
            doubtful.add(name)
    return used, doubtful


def _outside_docstrings(code: str) -> str | None:
    """`code` without its docstrings of several lines (from the line opening with three double
    quotes to the line ending with them); None when its triple quotes do not pair up so."""
    parts: list[str] = []
    kept = 0  # where the text not yet in `parts` starts
    in_docstring = False
    at = code.find('"""')
    while at >= 0:
        start = code.rfind("\n", 0, at) + 1
        end = code.find("\n", at)
        end = len(code) if end < 0 else end
        line = code[start:end]
        odd = line.count('"""') % 2 == 1
        if in_docstring:
            if not (odd and line.rstrip().endswith('"""')):
                return None
            in_docstring = False  # the docstring's last line
            kept = end
        elif odd:
            if not line.lstrip().startswith('"""'):
                return None
            in_docstring = True  # the docstring's first line
            parts.append(code[kept:start])
        at = code.find('"""', end)
    if not in_docstring:
        parts.append(code[kept:])
    return "".join(parts)


def _words(text: str) -> set[str]:
    """Every run of word characters in `text` (ASCII punctuation and space separate them; in
    code, anything else outside a string or comment is part of a name). Faster than a regex."""
    return set(text.translate(_NON_WORD).split())


def _read_words(text: str) -> set[str]:
    """The names code without strings or comments reads: its words, not those after a dot."""
    return {word.partition(".")[0] for word in set(text.translate(_NON_WORD_OR_DOT).split())}


def _read_on_a_line(name: str, code: str) -> tuple[bool, bool]:
    """Whether `code` reads `name` on a line (`_names_on_a_line`), and whether a string names
    it."""
    named = False
    at = code.find(name)
    while at >= 0:
        start = code.rfind("\n", 0, at) + 1
        end = code.find("\n", at)
        end = len(code) if end < 0 else end
        read, strings = _names_on_a_line(code[start:end])
        if name in read:
            return True, named
        named = named or name in strings
        at = code.find(name, end)
    return False, named


@dataclass(slots=True)
class _Statement:
    level: int  # leading dots of a relative import; 0 for an absolute one
    module: str  # "" for `from . import x`
    names: list[tuple[str, str | None]] = field(default_factory=list)  # (member, alias)
    straight: bool = False  # `import module`
    magic_comma: bool = False


class Files(dict[str, str]):
    """An emitter's files, path -> text, with `unsettled`: the Python files among them not
    known to be what ruff's `check --fix` would leave (`settle` could not tell); the formatter
    checks those, and only formats the others."""

    unsettled: set[str]

    def __init__(self, files: dict[str, str] | None = None) -> None:
        super().__init__(files or {})
        self.unsettled = set()

    def settle(self, path: str, package: str, uses: set[str] | None = None) -> None:
        """The file at `path` settled (`settle`); unsettled when it cannot be."""
        self[path], settled = settle(self[path], package, uses)
        if not settled:
            self.unsettled.add(path)


def settled_paths(files: dict[str, str]) -> set[str]:
    """The paths of an emitter's files its emitter declares settled: all but its `unsettled`."""
    return set(files) - (files.unsettled if isinstance(files, Files) else set())


_GUARD = "if TYPE_CHECKING:\n"
_INDENT = "    "


def settle_imports(text: str, package: str, uses: set[str] | None = None) -> str:
    """`text` with its import blocks settled as far as can be (`settle`)."""
    return settle(text, package, uses)[0]


def settle(text: str, package: str, uses: set[str] | None = None) -> tuple[str, bool]:
    """`text` with the import block after `from __future__ import annotations` settled, and
    whether it is now exactly what ruff's `check --fix` would leave (the formatter may then
    skip that pass for it). Not when the text is not as this module reads it (left as it
    was), nor when a string names an import no code reads (kept: ruff decides).

    The block may be followed by `if TYPE_CHECKING:` holding only imports, and that by a
    second block of imports: each settled as ruff's `check --fix` leaves it (`_guarded`).
    `uses`: the names the module's code reads, when its emitter knows them exactly (else
    they are read from the text: `read_imports`).
    """
    start = text.find(f"\n{_FUTURE}\n")
    if start < 0:
        return text, False
    head = text[: start + len(_FUTURE) + 2]
    first = _read_block(text, len(head), "")
    if first is None:
        return text, False
    statements, at = first
    guarded: list[_Statement | int] | None = None
    second: list[_Statement] = []
    if text.startswith(_GUARD, at):
        read = _read_guarded(text, at + len(_GUARD))
        if read is None:
            return text, False
        guarded, at = read
        if text.startswith(("import ", "from "), at):  # a second block right after it
            block = _read_block(text, at, "")
            if block is None:
                return text, False
            second, at = block
    rest = text[at:]
    late = ("\nimport " in rest or "\nfrom " in rest) and _LATE_IMPORT.search(rest)
    if not statements or late:
        return text, False  # nothing to settle, or imports after other code: ruff's to order
    every = [*statements, *second]
    every += [s for s in guarded or () if isinstance(s, _Statement)]
    imported = {a or n for s in every for n, a in s.names}
    imported |= {s.module.split(".")[0] for s in every if s.straight}
    doubtful: set[str] = set()
    if uses is not None:
        used = imported & uses
    else:
        used, doubtful = read_imports(imported, (_GUARD if guarded is not None else "") + rest)
        used |= doubtful
    parts = [head.rstrip("\n"), *_block(statements, used, package, "")]
    following = _FOLLOWING.search(rest)
    gap = 2 if following is not None and _NEXT_WANTS_TWO.match(following.group()) else 1
    if guarded is None:
        return "\n".join([*parts, *[""] * gap, rest]), not doubtful
    parts += ["", _GUARD.rstrip("\n"), *_guarded(guarded, used, package)]
    if second:
        parts += _block(second, used, package, "")[1:]  # no blank line before it
        return "\n".join([*parts, *[""] * gap, rest]), not doubtful
    return "\n".join([*parts, rest]), not doubtful


def _read_block(text: str, at: int, indent: str) -> tuple[list[_Statement], int] | None:
    """The import statements from `at` on (blank lines between them skipped), and where the
    first line that is none starts; None when a statement is not one `_parse` reads."""
    statements: list[_Statement] = []
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        if not text[at:end].strip():
            at = end + 1
            continue
        read = _statement_at(text, at, end, indent)
        if read is None:
            break
        statement, end = read
        if statement is None:
            return None
        statements.append(statement)
        at = end + 1
    return statements, at


def _read_guarded(text: str, at: int) -> tuple[list[_Statement | int], int] | None:
    """The body of `if TYPE_CHECKING:` from `at`, imports only: its statements and blank
    lines (a 1 each), in order; and where the line after its last statement starts. Blank
    lines after the body are not in it: they stay with the code that follows."""
    items: list[_Statement | int] = []
    after = at
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        if not text[at:end].strip():
            items.append(1)
            at = end + 1
            continue
        read = _statement_at(text, at, end, _INDENT)
        if read is None:
            break
        statement, end = read
        if statement is None:
            return None
        items.append(statement)
        at = after = end + 1
    while items and items[-1] == 1:
        items.pop()
    if not any(isinstance(item, _Statement) for item in items):
        return None
    return items, after


def _statement_at(
    text: str, at: int, end: int, indent: str
) -> tuple[_Statement | None, int] | None:
    """The import statement whose first line is `text[at:end]` and where it ends (a wrapped
    one ends at its closing parenthesis): None when the line is no import at `indent`, a None
    statement when it is one `_parse` does not read."""
    line = text[at:end]
    if not line.startswith((f"{indent}import ", f"{indent}from ")):
        return None
    if line.endswith("("):
        close = text.find(f"\n{indent})", end)
        if close < 0:
            return None, end
        end = close + len(indent) + 2
    return _parse(_dedent(text[at:end], indent)), end


def _dedent(source: str, indent: str) -> str:
    if not indent:
        return source
    return "\n".join(line.removeprefix(indent) for line in source.split("\n"))


def _pruned(statement: _Statement, used: set[str]) -> bool:
    """`statement` keeps only its used names (a name aliased to itself, `import a as a`, is
    a re-export: always kept); whether any is left."""
    if statement.straight:
        return statement.module.split(".")[0] in used
    statement.names = [(n, a) for n, a in statement.names if (a or n) in used or a == n]
    return bool(statement.names)


def _block(statements: list[_Statement], used: set[str], package: str, indent: str) -> list[str]:
    """The used statements in ruff's order: each section after a blank line."""
    sections: dict[int, list[_Statement]] = {}
    for statement in statements:
        if _pruned(statement, used):
            sections.setdefault(_section(statement, package), []).append(statement)
    lines: list[str] = []
    for section in sorted(sections):
        lines.append("")
        lines += [indent + line for line in _section_lines(sections[section], len(indent))]
    return lines


def _guarded(items: list[_Statement | int], used: set[str], package: str) -> list[str]:
    """The body of `if TYPE_CHECKING:` as ruff's fixes leave it: an unused statement's lines
    deleted (blank lines around it stay where they were; the last statement, when none is
    used, becomes `pass`), then the statements from the first used to the last used sorted as
    a block (ruff's isort rewrites only those lines)."""
    kept = [
        i for i, item in enumerate(items) if isinstance(item, _Statement) and _pruned(item, used)
    ]
    if not kept:
        last = max(i for i, item in enumerate(items) if isinstance(item, _Statement))
        return [
            f"{_INDENT}pass" if i == last else ""
            for i, item in enumerate(items)
            if i == last or isinstance(item, int)
        ]
    lead = sum(1 for item in items[: kept[0]] if isinstance(item, int))
    trail = sum(1 for item in items[kept[-1] + 1 :] if isinstance(item, int))
    block = _block([cast(_Statement, items[i]) for i in kept], used, package, _INDENT)
    return [*[""] * lead, *block[1:], *[""] * trail]


def _parse(source: str) -> _Statement | None:
    if "#" in source:
        return None  # a comment ruff keeps with its import
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    node = tree.body[0] if len(tree.body) == 1 else None
    if isinstance(node, ast.Import) and len(node.names) == 1 and node.names[0].asname is None:
        return _Statement(0, node.names[0].name, straight=True)
    if isinstance(node, ast.ImportFrom) and all(a.name != "*" for a in node.names):
        magic = source.endswith(",\n)") or source.replace(" ", "").endswith(",)")
        names = [(a.name, a.asname) for a in node.names]
        return _Statement(node.level, node.module or "", names, magic_comma=magic)
    return None


def _section(statement: _Statement, package: str) -> int:
    """0 standard library, 1 third party, 2 first party, 3 local (relative)."""
    if statement.level:
        return 3
    top = statement.module.split(".")[0]
    if top in sys.stdlib_module_names:
        return 0
    return 2 if top == package else 1


def _section_lines(statements: list[_Statement], indent: int = 0) -> list[str]:
    straight = sorted({s.module for s in statements if s.straight}, key=module_key)
    lines = [f"import {module}" for module in straight]
    by_module: dict[tuple[int, str], list[_Statement]] = {}
    for s in statements:
        if not s.straight:
            by_module.setdefault((s.level, s.module), []).append(s)
    # relative imports furthest first (`..x` before `.y`), then ruff's module order
    for level, module in sorted(by_module, key=lambda k: (-k[0], module_key(k[1]))):
        group = by_module[(level, module)]
        source = "." * level + module
        plain = [(n, a) for s in group for n, a in s.names if a is None]
        magic = any(s.magic_comma and any(a is None for _, a in s.names) for s in group)
        members = sorted({n for n, _ in plain}, key=member_key)
        found = [(member_key(members[0]), _from(source, members, magic, indent))] if members else []
        for s in group:
            for name, alias in s.names:
                if alias is not None:
                    found.append(
                        (member_key(name), _from(source, [f"{name} as {alias}"], False, indent))
                    )
        lines += [line for _, text in sorted(found) for line in text]
    return lines


def _from(source: str, members: list[str], magic_comma: bool, indent: int = 0) -> list[str]:
    """One statement, wrapped one member per line when it would pass the line length at
    `indent` (or had a trailing comma)."""
    line = f"from {source} import {', '.join(members)}"
    if not magic_comma and indent + len(line) <= _LINE_LENGTH:
        return [line]
    return [f"from {source} import (", *(f"    {m}," for m in members), ")"]
