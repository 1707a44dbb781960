"""Bundle relative-file `$ref`s into one document and check that every local `$ref` resolves.

A reference to `other.yaml#/components/<kind>/<Name>` hoists that component into the main
document's components (renamed with a numeric suffix only on a clash) so it keeps its name in the
generated code; a reference to anything else in another file is inlined. Remote (http) references
are never fetched: generation must not depend on the network.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.errors import Location, Problem, SpecError, join_pointer, split_pointer
from generator.loader.source import SourceFile, parse_file


@dataclass
class Bundle:
    """The main document with every external reference made local, and where each part came from."""

    main: SourceFile
    data: Any
    origins: list[tuple[str, SourceFile, str]] = field(default_factory=list)

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
        seen: set[str] = set()
        while (
            through_refs
            and isinstance(node, dict)
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


class _Bundler:
    def __init__(self, main: SourceFile) -> None:
        self.main = main
        self.files: dict[Path, SourceFile] = {main.path.resolve(): main}
        self.hoisted: dict[tuple[Path, str], str] = {}
        self.problems: list[Problem] = []
        self.bundle = Bundle(main=main, data=main.data, origins=[("", main, "")])
        self.inlining: list[tuple[Path, str]] = []
        self.extra: dict[str, dict[str, Any]] = {}  # hoisted components, merged in at the end

    def load(self, path: Path, at: Location) -> SourceFile | None:
        key = path.resolve()
        if key not in self.files:
            try:
                self.files[key] = parse_file(path)
            except SpecError as err:
                self.problems.append(Problem(f"referenced file cannot be loaded: {path.name}", at))
                self.problems.extend(err.problems)
                return None
        return self.files[key]

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
                if isinstance(rewritten, str):
                    return {**node, "$ref": rewritten}
                return rewritten
        return {
            key: self.walk(value, source, join_pointer(pointer, key), join_pointer(origin, key))
            for key, value in node.items()
        }

    def rewrite(self, ref: str, source: SourceFile, pointer: str, origin: str) -> Any:
        """A new `$ref` string, an inlined value, or None to keep the reference as it is."""
        at = source.locate(join_pointer(origin, "$ref"))
        if source is not self.main:
            at = replace(at, via=join_pointer(pointer, "$ref"))
        file_part, _, fragment = ref.partition("#")
        if file_part.startswith(("http://", "https://")):
            self.problems.append(
                Problem(f"remote reference {ref!r} is not fetched; bundle it locally", at)
            )
            return None
        if not file_part:
            if source is self.main:
                return None
            target_path = source.path  # a local reference inside another file
        else:
            target_path = (source.path.parent / file_part).resolve()
        target = self.load(target_path, at)
        if target is None:
            return None
        try:
            value = resolve_pointer(target.data, fragment)
        except (KeyError, ValueError):
            self.problems.append(Problem(f"$ref {ref!r} points to nothing in {target.display}", at))
            return None
        tokens = split_pointer(fragment) if fragment else []
        if len(tokens) == 3 and tokens[0] == "components":
            return self.hoist(target, tokens[1], tokens[2], value, fragment)
        key = (target.path.resolve(), fragment)
        if key in self.inlining:
            self.problems.append(
                Problem(
                    f"$ref {ref!r} is recursive and cannot be inlined; move it under components", at
                )
            )
            return None
        self.inlining.append(key)
        self.bundle.origins.append((pointer, target, fragment))
        try:
            return self.walk(copy.deepcopy(value), target, pointer, fragment)
        finally:
            self.inlining.pop()

    def hoist(self, target: SourceFile, kind: str, name: str, value: Any, fragment: str) -> str:
        key = (target.path.resolve(), fragment)
        if key in self.hoisted:
            return self.hoisted[key]
        existing = (self.main.data.get("components") or {}).get(kind) or {}
        section = self.extra.setdefault(kind, {})
        chosen, n = name, 1
        while chosen in section or (chosen in existing and target is not self.main):
            n += 1
            chosen = f"{name}_{n}"
        local = f"#/components/{kind}/{chosen}"
        self.hoisted[key] = local
        section[chosen] = None  # reserve the name before walking (recursive schemas)
        new_pointer = join_pointer("", "components", kind, chosen)
        self.bundle.origins.append((new_pointer, target, fragment))
        section[chosen] = self.walk(copy.deepcopy(value), target, new_pointer, fragment)
        return local


def bundle(main: SourceFile) -> Bundle:
    """Make every reference of `main` local; raise a SpecError listing each broken reference."""
    bundler = _Bundler(main)
    refs = iter_refs(main.data)
    if any(not ref.startswith("#") for _, ref in refs):
        # walk() builds new containers, so the parsed file itself is never modified.
        data = bundler.walk(main.data, main, "", "")
        for kind, entries in bundler.extra.items():
            section = data.setdefault("components", {}).setdefault(kind, {})
            for name, value in entries.items():
                section.setdefault(name, value)
        bundler.bundle.data = data
        if bundler.problems:
            raise SpecError(bundler.problems)
        refs = iter_refs(bundler.bundle.data)
    result = bundler.bundle
    refs = _decode_fragments(result.data, refs)
    problems = [
        Problem(
            f"$ref {ref!r} points to nothing in this document",
            result.locate(join_pointer(at, "$ref")),
        )
        for at, ref in refs
        if not _resolves(result.data, ref)
    ]
    if problems:
        raise SpecError(problems)
    return result


def iter_refs(data: Any, pointer: str = "") -> list[tuple[str, str]]:
    """Every (pointer of the referring object, $ref string) in document order."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [(pointer, data)]
    while stack:
        at, node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                found.append((at, ref))
            for key, value in reversed(list(node.items())):
                if isinstance(value, dict | list):
                    stack.append((join_pointer(at, key), value))
        elif isinstance(node, list):
            for i in range(len(node) - 1, -1, -1):
                if isinstance(node[i], dict | list):
                    stack.append((join_pointer(at, i), node[i]))
    return found


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


def _resolves(data: Any, ref: str) -> bool:
    try:
        resolve_pointer(data, ref[1:])
    except (KeyError, ValueError):
        return False
    return True
