"""Apply OpenAPI Overlay 1.0.0 documents: ordered actions with RFC 9535 JSONPath targets.

Overlays let the API team add SDK names (operationIds), links and examples without editing the
published contract. An action whose target matches nothing is an error: a silent no-op would
hide a renamed path until a user missed the generated method.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from generator.errors import Problem, SpecError, join_pointer
from generator.loader import plain_path
from generator.loader.source import SourceFile, parse_file


def overlays_for(spec: Path, folder: Path) -> list[Path]:
    """Overlay files in `folder` whose `extends` names `spec` (or that extend nothing), sorted."""
    if not folder.is_dir():
        return []
    chosen: list[Path] = []
    for candidate in sorted(folder.glob("*.y*ml")) + sorted(folder.glob("*.json")):
        data = parse_file(candidate).data
        if not isinstance(data, dict) or "overlay" not in data:
            continue
        extends = data.get("extends")
        if extends is None or (candidate.parent / str(extends)).resolve() == spec.resolve():
            chosen.append(candidate)
    return chosen


def apply_overlay(document: Any, overlay: SourceFile) -> Any:
    """A new document with every action of `overlay` applied in order."""
    data = overlay.data
    problems: list[Problem] = []
    if not isinstance(data, dict) or not str(data.get("overlay", "")).startswith("1."):
        raise SpecError(
            [Problem("not an Overlay 1.x document (missing `overlay: 1.0.0`)", overlay.locate(""))]
        )
    actions = data.get("actions")
    if not isinstance(actions, list) or not actions:
        raise SpecError(
            [Problem("an overlay needs a non-empty `actions` list", overlay.locate("/actions"))]
        )
    result = copy.deepcopy(document)
    for i, action in enumerate(actions):
        at = join_pointer("/actions", i)
        if not isinstance(action, dict) or not isinstance(action.get("target"), str):
            problems.append(Problem("an action needs a string `target`", overlay.locate(at)))
            continue
        target = action["target"]
        try:
            matches = _matches(target, result)
        except _InvalidQuery as exc:
            first = str(exc).splitlines()[0]
            problems.append(
                Problem(
                    f"invalid JSONPath {target!r}: {first}",
                    overlay.locate(join_pointer(at, "target")),
                )
            )
            continue
        if not matches:
            problems.append(
                Problem(
                    f"target {target!r} matches nothing in the document",
                    overlay.locate(join_pointer(at, "target")),
                )
            )
            continue
        if action.get("remove") is True:
            # Remove deepest-last so earlier removals do not shift later list indexes.
            for parts in sorted(matches, key=lambda p: [str(x) for x in p], reverse=True):
                _remove(result, parts)
        elif "update" in action:
            for parts in matches:
                try:
                    _set(result, parts, _merge(_get(result, parts), action["update"]))
                except TypeError as exc:
                    problems.append(Problem(str(exc), overlay.locate(join_pointer(at, "update"))))
        else:
            problems.append(
                Problem("an action needs `update` or `remove: true`", overlay.locate(at))
            )
    if problems:
        raise SpecError(problems)
    return result


class _InvalidQuery(Exception):
    """A target the JSONPath engine cannot parse: its message."""


def _matches(target: str, document: Any) -> list[tuple[Any, ...]]:
    """The paths (keys and indexes) of the nodes `target` selects, in the engine's order.

    A target that only names members is resolved here (`plain_path`); any other goes to the
    JSONPath engine, imported then. A malformed target raises `_InvalidQuery` with the
    engine's message.
    """
    names = plain_path.parse(target)
    if names is not None:
        return list(plain_path.matches(names, document))
    from jsonpath.exceptions import JSONPathError

    try:
        return [tuple(m.parts) for m in _engine().finditer(target, document)]
    except JSONPathError as exc:
        raise _InvalidQuery(str(exc)) from None


@cache
def _engine() -> Any:
    """python-jsonpath's strict (RFC 9535) environment, built on first use."""
    import jsonpath

    return jsonpath.JSONPathEnvironment(strict=True)


def _merge(target: Any, update: Any) -> Any:
    """Overlay 1.0 merge: objects merge recursively, arrays append, scalars are replaced."""
    if isinstance(target, dict) and isinstance(update, dict):
        merged = dict(target)
        for key, value in update.items():
            merged[key] = _merge(merged[key], value) if key in merged else copy.deepcopy(value)
        return merged
    if isinstance(target, list):
        return [
            *target,
            *(copy.deepcopy(update) if isinstance(update, list) else [copy.deepcopy(update)]),
        ]
    if isinstance(target, dict | list) or isinstance(update, dict | list):
        raise TypeError(f"cannot merge a {type(update).__name__} into a {type(target).__name__}")
    return copy.deepcopy(update)


def _get(doc: Any, parts: tuple[Any, ...]) -> Any:
    node = doc
    for part in parts:
        node = node[part]
    return node


def _set(doc: Any, parts: tuple[Any, ...], value: Any) -> None:
    if not parts:
        raise TypeError("the root cannot be replaced; target its members")
    _get(doc, parts[:-1])[parts[-1]] = value


def _remove(doc: Any, parts: tuple[Any, ...]) -> None:
    if not parts:
        raise TypeError("the root cannot be removed")
    parent = _get(doc, parts[:-1])
    del parent[parts[-1]]
