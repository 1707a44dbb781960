"""Located problems: every error about a document names its file, line and JSON pointer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

EXIT_INVALID_SPEC = 2


@dataclass(frozen=True)
class Location:
    file: str
    pointer: str
    line: int | None = None
    column: int | None = None
    # Where the bundled document holds it, when the file is another one that a `$ref` pulled
    # in: the same fault of a shared file is reached from every place that refers to it, and
    # is reported once with each of those places (generator/report.py).
    via: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.pointer or '#'}"


@dataclass(frozen=True)
class Problem:
    message: str
    location: Location
    # The lenient-loading rule that repaired this finding (generator/loader/repair.py), if any.
    rule: str | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" + (f" [{self.rule}]" if self.rule else "")


@dataclass
class SpecError(Exception):
    """The document cannot be used; carries every problem found, each located."""

    problems: list[Problem] = field(default_factory=list)
    # What lenient loading repaired before these errors were found (for `validate` to list).
    repairs: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(base: str, *tokens: str | int) -> str:
    # Called for every node of every walk: tokens that need no escaping (nearly all) are
    # joined as they are.
    pointer = base
    for token in tokens:
        text = token if type(token) is str else str(token)
        if "~" in text or "/" in text:
            text = text.replace("~", "~0").replace("/", "~1")
        pointer += "/" + text
    return pointer


def split_pointer(pointer: str) -> list[str]:
    if pointer in ("", "#"):
        return []
    body = pointer[1:] if pointer.startswith("#") else pointer
    if not body.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    if "~" not in body:  # nearly every pointer: nothing escaped
        return body[1:].split("/")
    return [unescape_pointer_token(t) for t in body[1:].split("/")]


# A place in a document built up while walking it, made a pointer only when a message needs
# one: a walk passes hundreds of thousands of places and reports a handful. It is a pointer
# string, or a pair (the place it is in, one more token).
PointerPath: TypeAlias = str | tuple["PointerPath", str | int]


def pointer_of(path: PointerPath) -> str:
    """The JSON pointer a walk's place stands for."""
    tokens: list[str | int] = []
    while not isinstance(path, str):
        path, token = path
        tokens.append(token)
    tokens.reverse()
    return join_pointer(path, *tokens)
