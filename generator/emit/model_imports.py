"""The import block of one native model module: exactly the names its code uses, in ruff's order.

ruff's `check --fix` (generator.formatting) would prune unused imports and sort the rest; the
model modules are written as it would leave them, so the formatter skips that pass for them and
only formats them (docs/generation-speed.md). This block must therefore be exactly what ruff
would write: tests/test_model_imports.py checks that ruff finds nothing to fix, and
tests/test_settled_output.py that the output equals the output with the pass run.

The rules followed are ruff's isort defaults: sections (future, standard library, third party,
first party, local) separated by one blank line; `as` imports on lines of their own, the
statements of one module ordered by their first member; members ordered constants, classes,
then the rest, each case-insensitively in natural order (`X2` before `X10`); a line longer than
100 characters wrapped one member per line; two blank lines before the first class. `__all__`
follows RUF022: the same kinds, then natural order, case-sensitively (`all_key`).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Every import a native model module may need: (section, module, member, alias). Sections in
# ruff's order (standard library, third party, first party); a member with an alias is a
# statement of its own (ruff's default: `as` imports are not combined).
_KNOWN: tuple[tuple[int, str, str, str | None], ...] = (
    (0, "datetime", "date", None),
    (0, "datetime", "datetime", None),
    (0, "enum", "IntEnum", None),
    (0, "enum", "StrEnum", None),
    (0, "typing", "Annotated", None),
    (0, "typing", "Any", None),
    (0, "typing", "Literal", None),
    (0, "uuid", "UUID", None),
    (1, "pydantic", "ConfigDict", None),
    (1, "pydantic", "Field", None),
    (1, "pydantic", "RootModel", None),
    (1, "pydantic", "Strict", "_Strict"),
    (1, "pydantic", "Tag", "_Tag"),
    (2, "{package}._base", "{base}", None),
    (2, "{package}._base", "discriminated", None),
    (2, "{package}._base", "NOT_BOOL", "_NOT_BOOL"),
    (2, "{package}._base", "NOT_NULL", "_NOT_NULL"),
    (2, "{package}._base", "ONLY_BOOL", "_ONLY_BOOL"),
    (2, "{package}._base", "DateText", "_DateText"),
    (2, "{package}._base", "DateTimeText", "_DateTimeText"),
    (2, "{package}._base", "required_alternatives", "_required_alternatives"),
)
_LINE_LENGTH = 100

# String literals and comments (blanked before names are looked for: a docstring or a
# `Literal['date']` does not use `date`), then names that are read: not an attribute after a
# dot, not a field name before `:`. Anything else counts as a use: an import kept that ruff
# would prune costs time only, one dropped that the code uses would break the module.
_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*'
)
_FIELD_NAME = re.compile(r"^[ \t]*[A-Za-z_]\w*[ \t]*:", re.MULTILINE)
_NAME = re.compile(r"(?<![.\w])[A-Za-z_]\w*")


def used_names(code: str) -> set[str]:
    """The names `code` reads (a superset: every identifier outside strings and comments)."""
    code = _STRINGS_AND_COMMENTS.sub(" ", code)
    code = _FIELD_NAME.sub(":", code)
    return set(_NAME.findall(code))


def import_block(code: str, package: str, base: str, local: dict[str, list[str]]) -> list[str]:
    """The module's import lines, then the blank line that ends the block.

    `code`: the module's definitions; `local`: sibling module -> the names taken from it.
    """
    used = used_names(code)
    sections: dict[int, dict[str, list[tuple[str, str | None]]]] = {}
    for section, module, member, alias in _KNOWN:
        name = member.format(base=base)
        if (alias or name) in used:
            text = module.format(package=package)
            sections.setdefault(section, {}).setdefault(text, []).append((name, alias))
    lines = ["from __future__ import annotations"]
    for section in sorted(sections):
        lines.append("")
        for module in sorted(sections[section], key=module_key):
            lines += _module_statements(module, sections[section][module])
    if local:
        lines.append("")
        for module in sorted(local, key=module_key):
            lines += _from_import(f".{module}", sorted(local[module], key=member_key))
    return [*lines, ""]


def _module_statements(module: str, members: list[tuple[str, str | None]]) -> list[str]:
    """The statements importing `members` from one module, ordered as ruff orders them: by
    their first member (so `NOT_NULL as _NOT_NULL` comes before `ContractModel, discriminated`).
    """
    plain = sorted((name for name, alias in members if alias is None), key=member_key)
    statements = [(member_key(plain[0]), "", _from_import(module, plain))] if plain else []
    statements += [
        (member_key(name), alias, [f"from {module} import {name} as {alias}"])
        for name, alias in members
        if alias is not None
    ]
    return [line for _, _, text in sorted(statements) for line in text]


def module_key(module: str) -> tuple[_Natural, _Natural]:
    """ruff's module order: natural, case-insensitively first."""
    return _natural(module.lower()), _natural(module)


def _from_import(module: str, names: list[str]) -> list[str]:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= _LINE_LENGTH:
        return [line]
    return [f"from {module} import (", *(f"    {n}," for n in names), ")"]


@lru_cache(maxsize=1 << 16)  # the same names are sorted in module after module
def member_key(name: str) -> tuple[int, _Natural, _Natural]:
    """ruff's member order: constants, classes, the rest; then natural, case-insensitively."""
    if len(name) > 1 and name.upper() == name and name.lower() != name:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, _natural(name.lower()), _natural(name)


def all_key(name: str) -> tuple[int, _Natural]:
    """ruff's RUF022 order of `__all__` (isort-style): constants, classes, the rest; then
    natural, case-sensitively (unlike the members of an import)."""
    return member_key(name)[0], _natural(name)


_RUNS = re.compile(r"\d+|\D+")
_DIGIT = re.compile(r"\d")


_Natural = tuple[tuple[str, int, int, str], ...]


@lru_cache(maxsize=1 << 16)  # the same names are sorted in module after module
def _natural(text: str) -> _Natural:
    """Digits compared as numbers (`x2` before `x10`), the rest character by character.

    As ruff's natural order (natord): a run of digits with a leading zero is compared digit by
    digit, as text (`_model_010` before `_model_02` before `_model_1`); one starts with a zero
    sorts before one that does not.
    """
    # Most names have no digits: one run. (A text that starts with a digit `\d` does not match,
    # such as a superscript two, goes the long way and fails there as it always did.)
    if _DIGIT.search(text) is None and not text[:1].isdigit():
        return ((text, 0, 0, ""),) if text else ()
    return tuple(
        (("0", 0, 0, run) if run[0] == "0" else ("0", 1, int(run), ""))
        if run[0].isdigit()
        else (run, 0, 0, "")
        for run in _RUNS.findall(text)
    )
