"""Python type expressions as text, as the models plan builds them (`list[Pet] | None`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TypeText:
    """A translated schema: its annotation (without None) and whether null is admitted."""

    expr: str
    refs: set[str] = field(default_factory=set)
    nullable: bool = False

    @property
    def annotation(self) -> str:
        if self.nullable and self.expr not in ("Any", "None"):
            return f"{self.expr} | None"
        return self.expr


ANY = "Any"


LITERAL_TYPES = (str, int, bool)


def literal(values: list[Any]) -> TypeText | None:
    """`Literal[...]` of JSON scalars (strings, integers, booleans), else None."""
    if not values or not all(isinstance(v, LITERAL_TYPES) for v in values):
        return None
    return TypeText(f"Literal[{', '.join(repr(v) for v in dict.fromkeys(values))}]")


def union_of(branches: list[TypeText]) -> TypeText:
    """The union of several types, flattened and without repeats; Any absorbs the rest."""
    exprs: list[str] = []
    refs: set[str] = set()
    nullable = False
    for b in branches:
        nullable = nullable or b.nullable
        refs |= b.refs
        if b.expr == ANY:
            return TypeText(ANY, refs, False)
        for part in split_union(b.expr):
            if part == "None":
                nullable = True
            elif part not in exprs:
                exprs.append(part)
    if not exprs:
        return TypeText("None", refs)
    return TypeText(" | ".join(exprs), refs, nullable)


def split_union(expr: str) -> list[str]:
    """The top-level members of `A | B[C | D]` -> [`A`, `B[C | D]`] (string literals skipped)."""
    parts, depth, start, quote, i = [], 0, 0, "", 0
    while i < len(expr):
        ch = expr[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(expr[start:i].strip())
            start = i + 1
        i += 1
    parts.append(expr[start:].strip())
    return parts


def annotated(annotation: str, constraints: tuple[tuple[str, str], ...]) -> str:
    if not constraints:
        return annotation
    args = ", ".join(f"{k}={v}" for k, v in constraints)
    return f"Annotated[{annotation}, Field({args})]"
