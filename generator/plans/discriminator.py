"""What a discriminator's tags are: one decision for the Python models and the TypeScript types.

An OpenAPI discriminator picks a union's branch by the value of one property. The value that
selects a branch is, in this order:

1. every `mapping` entry naming it (`mapping: {dog: '#/components/schemas/Dog'}`);
2. else the values the branch itself limits the property to, by `const` or `enum`: a document
   that writes `role: {enum: [system]}` in `SystemMessage` and gives no mapping means `system`
   (OpenAI's description, 54 of its unions): the schema's name would be a value the branch
   refuses, so a union tagged by names admits nothing;
3. else OpenAPI's implicit mapping: the branch schema's own name.

OpenAPI 3.2's `defaultMapping` names the branch for a value nothing else claims (and for a
missing property). A value that several branches claim as their own (an AI API's `type: message`
with `role: system` or `role: user`) is shared: the branches differ by another property.

A branch neither mapped, nor the default, nor declaring the property is reported: nothing in the
branch says which values are its own (the Python models then keep a smart union; the TypeScript
types tag it by its name, as openapi-typescript does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Tags:
    # Every value that selects a branch -> the branch: the mapping's, each branch's own, and
    # the implicit name too where no earlier value took it (what a reader accepts).
    by_value: dict[str, str]
    # Each branch's values by the first rule that gives any (what a type narrows the property
    # to: the mapping's values, else its own, else its name).
    first: dict[str, tuple[str, ...]]
    undeclared: tuple[str, ...]  # branches neither mapped, the default, nor declaring it
    # A value several branches claim as their own -> those branches, in the document's order
    # (`by_value` names the first of them).
    shared: dict[str, tuple[str, ...]]
    default: str | None  # OpenAPI 3.2 `defaultMapping`'s branch, when it is one of them


def discriminator_tags(
    mapping: Iterable[tuple[str, str | None]],
    branches: list[str],
    own_values: Callable[[str], list[str] | None],
    implicit: Callable[[str], str],
    default: str | None = None,
) -> Tags:
    """The tags of `branches` (in the caller's names).

    `mapping`: the document's (value, branch it names or None) pairs. `own_values(branch)`: the
    values the branch limits the property to (`[]`: any value), None when it does not declare
    the property. `implicit(branch)`: the branch schema's name in the document. `default`: the
    branch `defaultMapping` names (None: no default).
    """
    tags: dict[str, str] = {}
    first: dict[str, list[str]] = {b: [] for b in branches}
    for value, target in mapping:
        if target in first:
            tags[str(value)] = target
            first[target].append(str(value))
    default = default if default in first else None
    mapped = set(tags)
    claimed: dict[str, list[str]] = {}  # a value no mapping entry names -> branches claiming it
    undeclared: list[str] = []
    for branch in branches:
        values = own_values(branch)
        if values is None and not first[branch] and branch != default:
            undeclared.append(branch)
        own = values or [implicit(branch)]
        if not first[branch]:
            first[branch] = list(dict.fromkeys(own))
        for value in dict.fromkeys(own):
            if value not in mapped:
                claimed.setdefault(value, []).append(branch)
    shared: dict[str, tuple[str, ...]] = {}
    for value, owners in claimed.items():
        tags[value] = owners[0]
        if len(owners) > 1:
            shared[value] = tuple(owners)
    return Tags(tags, {b: tuple(v) for b, v in first.items()}, tuple(undeclared), shared, default)


def limited_values(schema: object) -> list[str]:
    """The values a property schema limits itself to by `const` or `enum` (`[]`: any value)."""
    if not isinstance(schema, dict):
        return []
    if "const" in schema:
        values = [schema["const"]]
    elif isinstance(schema.get("enum"), list):
        values = schema["enum"]
    else:
        return []
    return [str(v) for v in values if v is not None]
