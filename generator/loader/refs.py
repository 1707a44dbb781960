"""Bundle relative-file `$ref`s into one document and check that every local `$ref` resolves.

A reference to `other.yaml#/components/<kind>/<Name>` hoists that component into the main
document's components (renamed with a numeric suffix only on a clash) so it keeps its name in the
generated code. A reference to anything else in another file is inlined, except:
- a schema reached again while it is being inlined (a cycle through files: an agent that lists
  its child agents) is hoisted into `components/schemas` under a stable, collision-free name
  (its fragment's last token, else its file's name) and referenced locally, as `redocly bundle`
  does: an inline copy of a recursive schema would never end;
- a schema, parameter, response, request body or header reached from more than one place is
  hoisted the same way (one component, one generated model), named likewise.
Relative paths are resolved against the referring file (nested folders, `..`) and percent-decoded
(`My%20Pet.yaml`); a reference may name any value (a `description` text kept in another file).
Each file is read and parsed once, however many references reach it. Remote (http) references
are never fetched: generation must not depend on the network.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.errors import (
    Location,
    PointerPath,
    Problem,
    SpecError,
    join_pointer,
    pointer_of,
    split_pointer,
)
from generator.loader.source import SourceFile, parse_file


@dataclass
class Bundle:
    """The main document with every external reference made local, and where each part came from."""

    main: SourceFile
    data: Any
    origins: list[tuple[str, SourceFile, str]] = field(default_factory=list)
    # Every file read (the main one first), each once.
    files_read: list[Path] = field(default_factory=list)
    # Local `$ref`s of the components hoisted out of other files (`#/components/schemas/Agent`).
    hoisted_names: list[str] = field(default_factory=list)
    # What was hoisted and why, each located at the first reference (not faults).
    notes: list[Problem] = field(default_factory=list)

    def locate(self, pointer: str) -> Location:
        best: tuple[str, SourceFile, str] | None = None
        for prefix, source, origin in self.origins:
            if (pointer == prefix or pointer.startswith(prefix + "/")) and (
                best is None or len(prefix) > len(best[0])
            ):
                best = (prefix, source, origin)
        if best is None:
            return self.main.locate(pointer)
        prefix, source, origin = best
        found = source.locate(origin + pointer[len(prefix) :])
        if source is self.main:
            return Location(found.file, pointer, found.line, found.column)
        return Location(found.file, found.pointer, found.line, found.column, via=pointer)


def resolve_pointer(data: Any, pointer: str, *, through_refs: bool = False) -> Any:
    """The value at a JSON pointer; KeyError when it names nothing.

    `through_refs`: a local `$ref` met on the way is followed when the next token is not beside
    it (a path item or webhook given as `$ref: '#/components/pathItems/X'`, then
    `/post/requestBody/...`).
    """
    node = data
    for token in split_pointer(pointer):
        if through_refs:
            seen: set[str] = set()
            while (
                isinstance(node, dict)
                and token not in node
                and isinstance(node.get("$ref"), str)
                and node["$ref"].startswith("#")
                and node["$ref"] not in seen
            ):
                seen.add(node["$ref"])
                node = resolve_pointer(data, node["$ref"][1:])
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(pointer)
    return node


_Key = tuple[Path, str]  # a referenced value: its file and the pointer inside it


def _absolute(path: Path) -> Path:
    """`path` absolute and normalised (`..` folded) without asking the file system: resolving
    symlinks for each of thousands of references costs more than bundling them."""
    return Path(os.path.normpath(os.path.abspath(path)))


class _Where:
    """Where a reference is written, located only when a message needs it (locating builds a
    line index of its file; a bundle with thousands of references needs few)."""

    __slots__ = ("pointer", "source", "via")

    def __init__(self, source: SourceFile, pointer: str, via: str | None = None) -> None:
        self.source, self.pointer, self.via = source, pointer, via

    def location(self) -> Location:
        found = self.source.locate(self.pointer)
        return found if self.via is None else replace(found, via=self.via)


# Where a reference stands -> the components section a hoisted target goes to. Path items are
# always inlined: OpenAPI 3.0 has no `components/pathItems`.
_SCHEMA_PARENTS = frozenset(
    {"properties", "patternProperties", "allOf", "anyOf", "oneOf", "prefixItems", "$defs",
     "definitions", "schemas", "dependentSchemas"}
)  # fmt: skip
_SCHEMA_KEYS = frozenset(
    {"schema", "itemSchema", "items", "additionalProperties", "not", "contains", "if", "then",
     "else", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "additionalItems",
     "contentSchema"}
)  # fmt: skip
_SECTIONS_2 = {"schemas": "definitions", "parameters": "parameters", "responses": "responses"}


def _kind_at(pointer: str) -> str | None:
    """The components section a value referenced at `pointer` belongs in, None if unknown."""
    tokens = split_pointer(pointer)
    if not tokens:
        return None
    if tokens[-1] in _SCHEMA_KEYS or (len(tokens) > 1 and tokens[-2] in _SCHEMA_PARENTS):
        return "schemas"
    if len(tokens) > 1 and tokens[-2] in ("parameters", "responses", "headers"):
        return tokens[-2]
    if tokens[-1] == "requestBody":
        return "requestBodies"
    return None


def _stable_name(path: Path, fragment: str) -> str:
    """A component name for a value of another file: its fragment's last token, else the
    file's name, made a valid component key (`^[a-zA-Z0-9._-]+$`)."""
    tokens = split_pointer(fragment) if fragment.startswith("/") else []
    raw = tokens[-1] if tokens and not tokens[-1].isdigit() else path.stem
    return re.sub(r"[^A-Za-z0-9._-]+", "_", raw).strip("_") or "Schema"


class _LocalRef(str):
    """A rewritten `$ref` (an inlined value may be a plain string: a description)."""


class _Bundler:
    def __init__(
        self,
        main: SourceFile,
        files: dict[Path, SourceFile],
        hoist: dict[_Key, str],
        swagger2: bool,
    ) -> None:
        self.main = main
        self.files = files  # shared by every pass: each file is read once
        self.hoist_plan = hoist  # targets to hoist -> their components section
        self.swagger2 = swagger2
        self.hoisted: dict[_Key, str] = {}
        self.problems: list[Problem] = []
        self.bundle = Bundle(main=main, data=main.data, origins=[("", main, "")])
        self.inlining: list[_Key] = []
        self.extra: dict[str, dict[str, Any]] = {}  # hoisted components, merged in at the end
        self.cyclic: dict[_Key, _Where] = {}  # reached again while being inlined
        self.reached: dict[_Key, list[tuple[str | None, _Where]]] = {}  # inlined targets
        self.paths: dict[int, Path] = {id(main): _absolute(main.path)}  # a source's own path
        self.taken: set[tuple[str, str]] = set()  # (section, name) claimed by a hoist

    def load(self, path: Path, at: _Where) -> SourceFile | None:
        if path not in self.files:
            try:
                self.files[path] = parse_file(path)
            except SpecError as err:
                self.problems.append(
                    Problem(f"referenced file cannot be loaded: {path.name}", at.location())
                )
                self.problems.extend(err.problems)
                return None
        found = self.files[path]
        self.paths[id(found)] = path
        return found

    def walk(self, node: Any, source: SourceFile, pointer: str, origin: str) -> Any:
        """Rewrite references in `node` (which came from `source` at `origin`)."""
        if isinstance(node, list):
            return [
                self.walk(item, source, join_pointer(pointer, i), join_pointer(origin, i))
                for i, item in enumerate(node)
            ]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            rewritten = self.rewrite(ref, source, pointer, origin)
            if rewritten is not None:
                if isinstance(rewritten, _LocalRef):
                    return {**node, "$ref": str(rewritten)}
                return rewritten
        return {
            key: self.walk(value, source, join_pointer(pointer, key), join_pointer(origin, key))
            for key, value in node.items()
        }

    def rewrite(self, ref: str, source: SourceFile, pointer: str, origin: str) -> Any:
        """A new `$ref` string, an inlined value, or None to keep the reference as it is."""
        # In a shared file, also where the bundled document reaches it (`via`): one fault in a
        # file reached from many places is reported once with every place.
        via = join_pointer(pointer, "$ref") if source is not self.main else None
        at = _Where(source, join_pointer(origin, "$ref"), via)
        file_part, _, fragment = ref.partition("#")
        if file_part.startswith(("http://", "https://")):
            self.problems.append(
                Problem(
                    f"remote reference {ref!r} is not fetched; bundle it locally", at.location()
                )
            )
            return None
        source_path = self.paths[id(source)]
        if not file_part:
            if source is self.main:
                return None
            target_path = source_path  # a local reference inside another file
        else:
            # A reference is a URI: `My%20Pet.yaml` names `My Pet.yaml`.
            target_path = _absolute(source_path.parent / unquote(file_part))
        target = self.load(target_path, at)
        if target is None:
            return None
        try:
            value = resolve_pointer(target.data, fragment)
        except (KeyError, ValueError):
            try:
                value = resolve_pointer(target.data, unquote(fragment))
                fragment = unquote(fragment)
            except (KeyError, ValueError):
                self.problems.append(
                    Problem(f"$ref {ref!r} points to nothing in {target.display}", at.location())
                )
                return None
        tokens = split_pointer(fragment) if fragment else []
        if len(tokens) == 3 and tokens[0] == "components":
            return self.hoist(target, tokens[1], tokens[2], value, fragment)
        if self.swagger2 and len(tokens) == 2 and tokens[0] in _SECTIONS_2.values():
            return self.hoist(target, tokens[0], tokens[1], value, fragment)
        key = (target_path, fragment)
        if key in self.hoist_plan:
            return self.hoist(
                target, self.hoist_plan[key], _stable_name(target.path, fragment), value,
                fragment, stable=True,
            )  # fmt: skip
        if key in self.inlining:
            # A cycle through files: the next pass hoists this target (see bundle()).
            self.cyclic.setdefault(key, at)
            return None
        self.reached.setdefault(key, []).append((_kind_at(pointer), at))
        self.inlining.append(key)
        self.bundle.origins.append((pointer, target, fragment))
        try:
            return self.walk(copy.deepcopy(value), target, pointer, fragment)
        finally:
            self.inlining.pop()

    def hoist(
        self,
        target: SourceFile,
        kind: str,
        name: str,
        value: Any,
        fragment: str,
        *,
        stable: bool = False,
    ) -> _LocalRef:
        key = (self.paths[id(target)], fragment)
        if key in self.hoisted:
            return _LocalRef(self.hoisted[key])
        if self.swagger2:
            section_path: tuple[str, ...] = (_SECTIONS_2.get(kind, kind),)
        else:
            section_path = ("components", kind)
        existing: Any = self.main.data
        for token in section_path:
            existing = (existing.get(token) if isinstance(existing, dict) else None) or {}
        section = self.extra.setdefault("/".join(section_path), {})
        chosen, n = name, 1
        while (
            chosen in section
            or ("/".join(section_path), chosen) in self.taken
            or (chosen in existing and (target is not self.main or stable))
        ):
            n += 1
            chosen = f"{name}_{n}"
        self.taken.add(("/".join(section_path), chosen))
        local = "#" + join_pointer("", *section_path, chosen)
        self.hoisted[key] = local
        section[chosen] = None  # reserve the name before walking (recursive schemas)
        new_pointer = join_pointer("", *section_path, chosen)
        self.bundle.origins.append((new_pointer, target, fragment))
        section[chosen] = self.walk(copy.deepcopy(value), target, new_pointer, fragment)
        if stable:
            self.bundle.hoisted_names.append(local)
        return _LocalRef(local)


def bundle(main: SourceFile) -> Bundle:
    """Make every reference of `main` local; raise a SpecError listing each broken reference.

    Cycles and repeats are found by walking: a pass that meets a target again while inlining
    it (or inlines one target from several places) is followed by a pass that hoists those
    targets. The files read by the first pass are reused, so each is read once.
    """
    files: dict[Path, SourceFile] = {_absolute(main.path): main}
    if _all_local_and_resolving(main):
        # Nothing to bundle and nothing to report: the document is not walked to find where
        # each reference is (on GitHub's description, 10,460 references in 13 MB).
        return Bundle(main=main, data=main.data, origins=[("", main, "")], files_read=list(files))
    refs = iter_refs(main.data)
    swagger2 = isinstance(main.data, dict) and "swagger" in main.data
    plan: dict[_Key, str] = {}
    why: dict[_Key, tuple[str, _Where]] = {}
    bundler = _Bundler(main, files, plan, swagger2)
    if any(not ref.startswith("#") for _, ref in refs):
        for _ in range(8):  # each pass hoists what the one before found; bounded all the same
            bundler = _Bundler(main, files, plan, swagger2)
            # walk() builds new containers, so the parsed file itself is never modified.
            data = bundler.walk(main.data, main, "", "")
            found = {
                key: ("schemas", "it refers to itself through other files", at)
                for key, at in bundler.cyclic.items()
            }
            for key, places in bundler.reached.items():
                kinds = {k for k, _ in places}
                if len(places) > 1 and len(kinds) == 1 and None not in kinds and key not in found:
                    found[key] = (
                        places[0][0] or "",
                        f"{len(places)} places refer to it",
                        places[0][1],
                    )
            new = {k: v for k, v in found.items() if k not in plan}
            if not new:
                break
            for key, (kind, reason, at) in new.items():
                plan[key] = kind
                why[key] = (reason, at)
        for section_path, entries in bundler.extra.items():
            section: Any = data
            for token in section_path.split("/"):
                section = section.setdefault(token, {})
            for name, value in entries.items():
                section.setdefault(name, value)
        bundler.bundle.data = data
        if bundler.cyclic:
            for key, at in bundler.cyclic.items():
                bundler.problems.append(
                    Problem(
                        f"$ref to {key[0].name}#{key[1]} is recursive and cannot be bundled",
                        at.location(),
                    )
                )
        if bundler.problems:
            raise SpecError(bundler.problems)
        for key, local in bundler.hoisted.items():
            if key in why:
                reason, at = why[key]
                bundler.bundle.notes.append(
                    Problem(
                        f"{key[0].name}#{key[1]} hoisted to {local} ({reason})",
                        at.location(),
                        "bundle-hoisted",
                    )
                )
        refs = iter_refs(bundler.bundle.data)
    result = bundler.bundle
    result.files_read = list(files)
    refs = _decode_fragments(result.data, refs)
    # Thousands of references name a few hundred targets: each is looked up once (rewriting a
    # `$ref` string above changes no key, so what resolves stays the same).
    resolves: dict[str, bool] = {}
    for _, ref in refs:
        if ref not in resolves:
            resolves[ref] = _resolves(result.data, ref)
    problems = [
        Problem(
            f"$ref {ref!r} points to nothing in this document",
            result.locate(join_pointer(at, "$ref")),
        )
        for at, ref in refs
        if not resolves[ref]
    ]
    if problems:
        raise SpecError(problems)
    return result


def iter_refs(data: Any, pointer: str = "") -> list[tuple[str, str]]:
    """Every (pointer of the referring object, $ref string) in document order."""
    # Every container of the document is passed; only a referring one's pointer is built.
    found: list[tuple[PointerPath, str]] = []
    stack: list[tuple[PointerPath, Any]] = [(pointer, data)]
    pop, push = stack.pop, stack.append
    while stack:
        at, node = pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                found.append((at, ref))
            for key, value in reversed(node.items()):
                if isinstance(value, (dict, list)):  # a tuple: tested faster than `dict | list`
                    push(((at, key), value))
        elif isinstance(node, list):
            for i in range(len(node) - 1, -1, -1):
                value = node[i]
                if isinstance(value, (dict, list)):
                    push(((at, i), value))
    return [(pointer_of(at), ref) for at, ref in found]


def _decode_fragments(data: Any, refs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`#/paths/~1a~1%7Bid%7D` is a URI fragment: percent-decoded, it is the JSON pointer.

    RFC 6901 section 6: a pointer in a URI fragment is percent-encoded (APIs.guru's documents
    write `{` as `%7B`). Such references are rewritten decoded, so everything after the loader
    resolves them as plain pointers.
    """
    kept = []
    for at, ref in refs:
        if ref.startswith("#") and "%" in ref and not _resolves(data, ref):
            decoded = unquote(ref)
            if _resolves(data, decoded):
                holder = resolve_pointer(data, at)
                if isinstance(holder, dict):
                    holder["$ref"] = ref = decoded
        kept.append((at, ref))
    return kept


def _all_local_and_resolving(main: SourceFile) -> bool:
    """Whether every `$ref` the parser saw in `main` is local and names something there."""
    if main.ref_values is None:
        return False
    checked: set[str] = set()
    for ref in main.ref_values:
        if not isinstance(ref, str) or ref in checked:
            continue  # a `$ref` that is not text is no reference (iter_refs passes it by)
        if not ref.startswith("#") or not _resolves(main.data, ref):
            return False
        checked.add(ref)
    return True


def _resolves(data: Any, ref: str) -> bool:
    try:
        resolve_pointer(data, ref[1:])
    except (KeyError, ValueError):
        return False
    return True
