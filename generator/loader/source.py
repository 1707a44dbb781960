"""Parse one YAML or JSON file into plain data, and map JSON pointers back to lines.

YAML anchors and aliases are expanded (an alias is the same data as its anchor). Duplicate
mapping keys are an error, not a silent overwrite: a duplicated path in a spec would otherwise
drop an operation without a word. Timestamps stay strings and mapping keys are always strings, so
YAML and JSON documents give the same data (`200:` and `"200":` are one response code).

Plain scalars are read by the YAML 1.2 core schema, which OpenAPI 3.x names (and which JSON
agrees with), not PyYAML's YAML 1.1 rules: `1e-08` is a float (1.1 wants a dot: a string),
`on`/`off`/`yes`/`no`/`y`/`n` are strings (1.1: booleans, so `enum: [yes, no]` would become
`[true, false]`), `0o17` is octal and `017` is seventeen (1.1: fifteen), `1_000`, `0b101` and
`1:20` are strings (1.1: numbers), and a date is the string written (1.2 has no timestamp).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import Location, Problem, SpecError, join_pointer, split_pointer

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlLoader(_BaseLoader):  # type: ignore[misc]
    """The (C, when available) safe loader resolving plain scalars by the YAML 1.2 core schema.

    The C parser asks this Python resolver for each plain scalar's tag, so replacing the
    implicit resolvers is enough; the constructors below read the 1.2 spellings.
    """

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1023-core-schema), tag by tag.
_CORE_SCHEMA = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),  # merge keys stay (not core, widely used)
)
for _tag, _pattern, _first in _CORE_SCHEMA:
    _YamlLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


class _ScalarConstructor(SafeConstructor):
    """Safe scalars by the YAML 1.2 core schema; explicit timestamps kept as written."""

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        return self.construct_scalar(node)

    def construct_yaml_int(self, node: ScalarNode) -> Any:
        text = str(self.construct_scalar(node))
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)  # `017` is seventeen in YAML 1.2

    def construct_yaml_float(self, node: ScalarNode) -> Any:
        text = str(self.construct_scalar(node))
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if lowered == ".nan":
            return float("nan")
        return float(text)


for _tag, _method in (
    ("tag:yaml.org,2002:timestamp", _ScalarConstructor.construct_yaml_timestamp),
    ("tag:yaml.org,2002:int", _ScalarConstructor.construct_yaml_int),
    ("tag:yaml.org,2002:float", _ScalarConstructor.construct_yaml_float),
):
    _ScalarConstructor.add_constructor(_tag, _method)  # type: ignore[type-var]


def display_path(path: Path) -> str:
    """A path as a user would type it: relative to the working directory when inside it."""
    return _display(path, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _display(path: Path, cwd: str) -> str:
    # Cached: a bundle of thousands of files names each of them in many messages.
    try:
        return str(path.resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(path)


@dataclass
class SourceFile:
    """One parsed file with a lazily built index from JSON pointer to (line, column)."""

    path: Path
    text: str
    data: Any
    _index: dict[str, tuple[int, int]] | None = field(default=None, repr=False)
    # The `$ref` value of every object of `data`, in the order the parser finished them, when
    # the parser saw them all (JSON); None when not known. Bundling a document whose
    # references are all local and resolve needs nothing else (generator/loader/refs.py).
    ref_values: list[Any] | None = field(default=None, repr=False)
    # What locating has read of the JSON text's objects (json_locate).
    _members: JsonMembers | None = field(default=None, repr=False)

    @property
    def display(self) -> str:
        return display_path(self.path)

    def locate(self, pointer: str) -> Location:
        """The location of `pointer`, or of its nearest ancestor that exists in this file."""
        if self.is_json:
            if self._members is None:
                self._members = {}
            line, column = json_locate(self.text, pointer, self._members)
            return Location(self.display, pointer, line, column)
        index = self._line_index()
        probe = pointer
        while True:
            if probe in index:
                line, column = index[probe]
                return Location(self.display, pointer, line, column)
            if not probe:
                return Location(self.display, pointer)
            probe = probe.rsplit("/", 1)[0]

    @property
    def is_json(self) -> bool:
        return self.path.suffix.lower() == ".json" or self.text.lstrip().startswith("{")

    def _line_index(self) -> dict[str, tuple[int, int]]:
        if self._index is None:
            self._index = {}
            try:
                root = yaml.compose(self.text, Loader=_YamlLoader)
            except yaml.YAMLError:
                root = None  # JSON that YAML cannot read (rare escapes): no line numbers
            if root is not None:
                _index_nodes(root, "", self._index, set())
        return self._index


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]


class _Members:
    """What locating has read of one JSON object so far: its members in text order, each as
    (key, where the key starts, where its value starts, where the next member starts or None
    while that value has not been skipped), and whether reading on fails."""

    __slots__ = ("entries", "fails", "first")

    def __init__(self) -> None:
        self.entries: list[tuple[str, int, int, int | None]] = []
        self.first: dict[str, int] = {}  # a key -> its first entry
        self.fails = False


# A JSON text's objects as locating read them, by the position of their `{`.
JsonMembers = dict[int, _Members]


def json_locate(text: str, pointer: str, members: JsonMembers | None = None) -> tuple[int, int]:
    """Line and column of the deepest existing node on `pointer` in JSON `text`.

    Walks only along the pointer, skipping sibling values with the C decoder, so locating a
    problem in a 13 MB document costs one partial parse rather than a full line index. With
    `members` (one per text), what an earlier call read of an object is not read again: a
    document with a hundred findings is read about once, not a hundred times.
    """
    if members is None:
        members = {}
    position = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    found = position
    try:
        for token in split_pointer(pointer):
            found = position
            opener = text[position]
            if opener == "{":
                position = _member_value(text, position, token, members)
                found = members[found].entries[members[found].first[token]][1]
            elif opener == "[" and token.isdigit():
                position += 1
                for _ in range(int(token)):
                    position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
                    _, position = _DECODER.raw_decode(text, position)
                    position = _WHITESPACE.match(text, position).end() + 1  # type: ignore[union-attr]
                position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
                found = position
            else:
                raise LookupError(token)
    except (LookupError, ValueError, IndexError):
        pass
    line = text.count("\n", 0, found) + 1
    column = found - (text.rfind("\n", 0, found) + 1) + 1
    return line, column


def _member_value(text: str, start: int, token: str, members: JsonMembers) -> int:
    """Where the value of member `token` of the object at `start` begins; LookupError (or the
    decoder's ValueError) when reading the object does not come to it.

    Members are read one by one from the `{`, each key with `scanstring`, each value passed
    by with the C decoder, exactly as far as a search for `token` needs; what is read is kept
    in `members` for the next search in the same object.
    """
    read = members.get(start)
    if read is None:
        read = members[start] = _Members()
    entries = read.entries
    index = read.first.get(token)
    if index is not None:
        return entries[index][2]
    if read.fails:
        raise LookupError(token)
    try:
        if entries:
            key, key_start, value_start, following = entries[-1]
            if following is None:  # the value of the last member read: passed by now
                _, position = _DECODER.raw_decode(text, value_start)
                following = _WHITESPACE.match(text, position).end() + 1  # type: ignore[union-attr]
                entries[-1] = (key, key_start, value_start, following)
            position = following
        else:
            position = start + 1
        while True:
            position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
            if text[position] == "}":
                raise LookupError(token)
            key_start = position
            key, position = _scanstring(text, position + 1)
            position = _WHITESPACE.match(text, position).end() + 1  # type: ignore[union-attr]
            position = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
            entries.append((key, key_start, position, None))
            read.first.setdefault(key, len(entries) - 1)
            if key == token:
                return position
            _, position = _DECODER.raw_decode(text, position)
            position = _WHITESPACE.match(text, position).end() + 1  # type: ignore[union-attr]
            entries[-1] = (key, key_start, entries[-1][2], position)
    except (LookupError, ValueError, IndexError):
        read.fails = True
        raise


def _index_nodes(
    node: Node, pointer: str, index: dict[str, tuple[int, int]], active: set[int]
) -> None:
    index.setdefault(pointer, (node.start_mark.line + 1, node.start_mark.column + 1))
    if id(node) in active:
        return
    active.add(id(node))
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = join_pointer(pointer, key)
            index.setdefault(child, (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
            _index_nodes(value_node, child, index, active)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _index_nodes(item, join_pointer(pointer, i), index, active)
    active.discard(id(node))


def parse_file(path: Path) -> SourceFile:
    """Read and parse `path`; any failure is a located SpecError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError(
            [Problem(f"cannot read file: {exc.strerror}", Location(display_path(path), ""))]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(
            [Problem(f"not UTF-8 text (byte {exc.start})", Location(display_path(path), ""))]
        ) from None
    remembered = _PARSED.get(path)
    if remembered is not None and remembered[0] == raw:
        return SourceFile(path=path, text=text, data=copy.deepcopy(remembered[1]))
    ref_values: list[Any] | None = None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        data, ref_values = _parse_json(path, text)
    else:
        data = _parse_yaml(path, text)
    if len(raw) <= _REMEMBER_BYTES:
        _PARSED.pop(path, None)
        _PARSED[path] = (raw, copy.deepcopy(data))
        while len(_PARSED) > _REMEMBER_FILES:
            del _PARSED[next(iter(_PARSED))]
    return SourceFile(path=path, text=text, data=data, ref_values=ref_values)


# A run reads the same small file more than once: a target with overlays and a web package
# loads its document with and without the overlays, and the web package publishes it as
# written (three parses of ServiceAi's contract, 10 ms each; a copy takes 1). What a small file
# parsed to is remembered with its bytes, and each caller gets its own copy (loading changes
# what it is given); a file whose bytes changed is parsed again. Large files are not kept:
# their parsed tree is most of a run's memory, freed as soon as the model is built.
_REMEMBER_BYTES = 1 << 20
_REMEMBER_FILES = 16
_PARSED: dict[Path, tuple[bytes, Any]] = {}


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _parse_json(path: Path, text: str) -> tuple[Any, list[Any] | None]:
    """The data, and the `$ref` value of every object in it (None when read as YAML)."""
    ref_values: list[Any] = []

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        # Called for every object of the document: built in C, and only a mapping that came
        # out shorter than its pairs is looked at again for the key it repeats.
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise _DuplicateKey(key)
                seen.add(key)
        if "$ref" in result:
            ref_values.append(result["$ref"])
        return result

    try:
        return json.loads(text, object_pairs_hook=build), ref_values
    except json.JSONDecodeError as exc:
        raise SpecError(
            [
                Problem(
                    f"invalid JSON: {exc.msg}",
                    Location(display_path(path), "", exc.lineno, exc.colno),
                )
            ]
        ) from None
    except _DuplicateKey as dup:
        # Rare path: re-read through the YAML composer, which keeps every key with its line.
        try:
            return _parse_yaml(path, text), None
        except SpecError:
            raise
        except Exception:  # pragma: no cover - JSON that YAML cannot read
            pass
        raise SpecError(
            [Problem(f"duplicate key {dup.key!r}", Location(display_path(path), ""))]
        ) from None


def _parse_yaml(path: Path, text: str) -> Any:
    try:
        root = yaml.compose(text, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as exc:
        shown = display_path(path)
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise SpecError(
            [Problem(f"invalid YAML: {what}", Location(shown, "", line, column))]
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(
            [Problem(f"invalid YAML: {exc}", Location(display_path(path), ""))]
        ) from None
    if root is None:
        raise SpecError([Problem("the file is empty", Location(display_path(path), ""))])
    problems: list[Problem] = []
    # The file's shown name is worked out only for a message (it resolves the path).
    data = _construct(root, "", _ScalarConstructor(), path, problems, {})
    if problems:
        raise SpecError(problems)
    return data


def _construct(
    node: Node,
    pointer: str,
    scalars: _ScalarConstructor,
    path: Path,
    problems: list[Problem],
    building: dict[int, Any],
) -> Any:
    if isinstance(node, ScalarNode):
        return scalars.construct_object(node, deep=True)
    if id(node) in building:
        problems.append(
            Problem(
                "recursive YAML alias: an anchor contains itself",
                Location(
                    display_path(path),
                    pointer,
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                ),
            )
        )
        return None
    building[id(node)] = True
    try:
        if isinstance(node, SequenceNode):
            return [
                _construct(item, join_pointer(pointer, i), scalars, path, problems, building)
                for i, item in enumerate(node.value)
            ]
        if isinstance(node, MappingNode):
            scalars.flatten_mapping(node)  # YAML merge keys (<<)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = (
                    scalars.construct_object(key_node, deep=True)
                    if isinstance(key_node, ScalarNode)
                    else None
                )
                if key is None and not isinstance(key_node, ScalarNode):
                    problems.append(
                        Problem(
                            "mapping keys must be scalars",
                            Location(
                                display_path(path),
                                pointer,
                                key_node.start_mark.line + 1,
                                key_node.start_mark.column + 1,
                            ),
                        )
                    )
                    continue
                name = (
                    "null"
                    if key is None
                    else (str(key).lower() if isinstance(key, bool) else str(key))
                )
                child = join_pointer(pointer, name)
                if name in result:
                    problems.append(
                        Problem(
                            f"duplicate key {name!r}: an earlier entry would be silently replaced",
                            Location(
                                display_path(path),
                                child,
                                key_node.start_mark.line + 1,
                                key_node.start_mark.column + 1,
                            ),
                        )
                    )
                    continue
                result[name] = _construct(value_node, child, scalars, path, problems, building)
            return result
        raise AssertionError(f"unknown YAML node {type(node).__name__}")
    finally:
        del building[id(node)]
